"""Catalogues from fixtures/: offices, case types, stages, fees, info texts, visit groups and their calendar."""
