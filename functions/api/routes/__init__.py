"""Routes of the API function, one module (Router) per resource."""
