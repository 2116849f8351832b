// The API reference over /api/openapi.json; "Authorize" takes a token from /auth/token (password grant).
window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#reference',
  deepLinking: true,
  displayOperationId: true,
  tryItOutEnabled: false,
});
