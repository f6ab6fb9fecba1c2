// Renders /openapi.json with Swagger UI. A file of its own, not an inline
// script, so the page's Content-Security-Policy can say script-src 'self'.
window.addEventListener('load', () => {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#docs',
    // "Try it out" calls this same server: the document has no servers
    // list, so requests go to the page's own origin.
    tryItOutEnabled: true,
    // Never ask validator.swagger.io about the document.
    validatorUrl: 'none',
    deepLinking: true,
  });
});
