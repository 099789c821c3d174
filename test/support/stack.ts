/** Where the global setup started the local stack. */
export function stackUrls(): {
  apiUrl: string;
  mockApiUrl: string;
  dynamoDbEndpoint: string;
  mainTable: string;
} {
  const apiUrl = process.env.TEST_API_URL;
  const mockApiUrl = process.env.TEST_MOCK_API_URL;
  const dynamoDbEndpoint = process.env.TEST_DYNAMODB_ENDPOINT;
  const mainTable = process.env.TEST_MAIN_TABLE;
  if (!apiUrl || !mockApiUrl || !dynamoDbEndpoint || !mainTable)
    throw new Error('the local stack is not running (global setup)');
  return { apiUrl, mockApiUrl, dynamoDbEndpoint, mainTable };
}
