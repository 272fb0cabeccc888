using System.Runtime.CompilerServices;

// The plugin tests drive the loader and instance manager in-process (unload checks need WeakReferences to load contexts);
// the benchmark hosts the webhook dispatcher next to a built-in handler.
[assembly: InternalsVisibleTo("Herald.Plugins.Tests")]
[assembly: InternalsVisibleTo("Herald.Plugins.Bench")]
