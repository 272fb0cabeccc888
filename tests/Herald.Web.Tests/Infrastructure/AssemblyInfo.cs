// Every test class starts a server and a browser; on small machines they run one class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
