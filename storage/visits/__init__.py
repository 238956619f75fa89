"""Visits: free days and times, seats, codes and their limits, booking, confirming, cancelling, the counter's side."""
