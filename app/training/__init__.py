"""Training events, attendance, participant surveys and qualifications (issue 15)."""
