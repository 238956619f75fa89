"""Cases: filing, stages, deficiencies, corrections, messages, worklist and search, papers, the applicant's view."""
