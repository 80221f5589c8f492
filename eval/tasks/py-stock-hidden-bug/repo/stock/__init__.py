"""Stock keeping: products, movements (receipts, sales, returns, write-offs) and monthly reports."""
