"""Use cases, channel-neutral: respondents, coordinators, submissions, reports."""
