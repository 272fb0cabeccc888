namespace Herald.Fuzz.Targets;

/// <summary>A contract violation the reader did not throw for itself, raised by the target so the fuzzer records it.</summary>
internal sealed class FuzzFindingException(string message, Exception? inner = null) : Exception(message, inner);
