/** Where the global setup started the local stack. */
export function stackUrls(): { apiUrl: string; mockApiUrl: string; dynamoDbEndpoint: string } {
  const apiUrl = process.env.TEST_API_URL;
  const mockApiUrl = process.env.TEST_MOCK_API_URL;
  const dynamoDbEndpoint = process.env.TEST_DYNAMODB_ENDPOINT;
  if (!apiUrl || !mockApiUrl || !dynamoDbEndpoint)
    throw new Error('the local stack is not running (global setup)');
  return { apiUrl, mockApiUrl, dynamoDbEndpoint };
}
