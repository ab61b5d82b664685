"""Early warning's pages, one module per part (alerts, …)."""
