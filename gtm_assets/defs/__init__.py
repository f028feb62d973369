"""One module per pipeline stage; each defines assets, checks, jobs, schedules and sensors."""
