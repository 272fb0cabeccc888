namespace Herald.Testing;

/// <summary>
/// A fresh folder <c>&lt;temp&gt;/&lt;prefix&gt;/&lt;random&gt;</c>, deleted with its contents on dispose. The per-prefix parent folder
/// is left in place, so a test can check that nothing escaped its own folder into the parent.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates the folder at once; <paramref name="prefix"/> names the parent folder so leftovers can be traced to a test project.</summary>
    public TempDirectory(string prefix = "herald-tests")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix, Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    /// <summary>The absolute path of the folder.</summary>
    public string Path { get; }

    /// <summary>A path inside the folder (nothing is created).</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Deletes the folder; a file still held open by a process that is exiting is left for the system to clean up.</summary>
    public void Dispose()
    {
        // A server that worked here on a database server (TestEngine) had its database there; it goes with the folder.
        TestEngine.DropFor(Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
