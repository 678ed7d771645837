"""研修・資格 screens: training events, attendance, surveys and qualifications."""
