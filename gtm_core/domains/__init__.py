"""Domain adaptations of GTM (paper §5.4): datasets, tools and metrics
for specialised simulators."""
