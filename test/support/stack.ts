/** Where the global setup started the local stack. */
export function stackUrls(): {
  apiUrl: string;
  mockApiUrl: string;
  dynamoDbEndpoint: string;
  mainTable: string;
  auditTable: string;
} {
  const { TEST_API_URL, TEST_MOCK_API_URL, TEST_DYNAMODB_ENDPOINT, TEST_MAIN_TABLE, TEST_AUDIT_TABLE } =
    process.env;
  if (!TEST_API_URL || !TEST_MOCK_API_URL || !TEST_DYNAMODB_ENDPOINT || !TEST_MAIN_TABLE || !TEST_AUDIT_TABLE)
    throw new Error('the local stack is not running (global setup)');
  return {
    apiUrl: TEST_API_URL,
    mockApiUrl: TEST_MOCK_API_URL,
    dynamoDbEndpoint: TEST_DYNAMODB_ENDPOINT,
    mainTable: TEST_MAIN_TABLE,
    auditTable: TEST_AUDIT_TABLE,
  };
}
