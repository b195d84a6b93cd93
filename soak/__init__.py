"""Game day in a box: the distributed stack under real user journeys while its parts fail one after
another, Prometheus and Alertmanager running the chart's alerting, and a checker of the history
against the stores afterwards (`make soak`; `python -m soak --help`)."""
