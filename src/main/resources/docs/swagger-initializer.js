// Replaces the webjar's initializer (which loads the Petstore demo): this service's document.
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false, // never keep API keys in the browser's storage
    // Swagger UI's default badge loads validator.swagger.io with this document's URL: no third
    // party learns where the docs are, and the page needs nothing from the internet.
    validatorUrl: "none",
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
  });
};
