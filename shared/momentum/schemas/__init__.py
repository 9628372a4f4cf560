"""The API's request and response models (pydantic): the OpenAPI document is built from these."""
