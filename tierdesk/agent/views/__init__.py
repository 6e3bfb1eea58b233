"""Agent workspace views, split by page: auth, queues, the ticket page and its actions."""
