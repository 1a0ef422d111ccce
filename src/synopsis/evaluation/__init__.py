"""Measuring synopsis on gold data, side by side with baselines run in the same process."""
