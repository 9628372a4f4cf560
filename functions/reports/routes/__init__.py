"""The reports function's routes, one module per report."""
