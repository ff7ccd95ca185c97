// Labs share one Docker engine and two cores: one scenario class at a time keeps the
// captures free of other classes' traffic and the timings meaningful.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
