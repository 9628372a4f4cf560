"""DynamoDB access: the only code that talks to the product table."""
