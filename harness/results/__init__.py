"""Results (internal): records with uncertainty, comparisons of runs, leaderboards."""
