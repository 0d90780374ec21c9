"""What people ask: the conversation log and the knowledge-gap report."""
