"""HTTP plumbing shared by the API functions: resolver, auth context, problems, ETags, cursors."""
