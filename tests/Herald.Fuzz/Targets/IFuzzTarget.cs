namespace Herald.Fuzz.Targets;

/// <summary>
/// One reader of untrusted input, driven with arbitrary bytes. <see cref="RunAsync"/> returns when the reader answered
/// as documented (a value, or its domain exception: the one the server turns into a 4xx, a start-up error sentence or a
/// compatibility sentence) and throws anything else, which the fuzzer records as a crash.
/// </summary>
internal interface IFuzzTarget
{
    /// <summary>The name used on the command line and for the corpus folder (<c>corpus/&lt;name&gt;</c>).</summary>
    string Name { get; }

    /// <summary>Runs one input through the reader.</summary>
    /// <exception cref="FuzzFindingException">The reader broke its contract without throwing (e.g. accepted what it cannot write back).</exception>
    Task RunAsync(byte[] input, CancellationToken cancellationToken);

    /// <summary>Seeds that need a build or are binary, made at run time (file name → content); most seeds are committed.</summary>
    IEnumerable<KeyValuePair<string, byte[]>> GeneratedSeeds();
}
