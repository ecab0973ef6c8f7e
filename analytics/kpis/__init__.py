"""The KPIs of the dashboard (DOMAIN.md §9): definitions.py (each KPI as data), scope.py
(whose figures, which periods), compute.py (the figures), charts.py (trend, funnel,
ranking), drill.py (each figure's list link), access.py (who reads them)."""
