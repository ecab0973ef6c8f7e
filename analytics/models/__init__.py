"""Analytics' own records: targets, expenses and budgets, scorecard weights and ratings."""
