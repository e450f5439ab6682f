"""Answer-quality evals: the eval set, the metrics, the runner and the baseline.

``python -m evals`` / ``assistant eval`` run :func:`evals.runner.main`; tests call
:func:`evals.runner.run_eval` on an existing ``Assistant``. Importing this package loads nothing
heavy.
"""
