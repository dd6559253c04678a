"""The operation compiler: query operations answered by one SQL statement per root field
(see plan.py); anything it cannot compile runs on the resolver path."""
