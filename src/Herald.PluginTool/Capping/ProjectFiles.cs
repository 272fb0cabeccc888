using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Herald.PluginTool.Capping;

/// <summary>Where a package's version is written down, and the value written there.</summary>
/// <param name="File">The project, Directory.Packages.props or Directory.Build.props file.</param>
/// <param name="Element">The PackageReference or PackageVersion element.</param>
/// <param name="Attribute">Version or VersionOverride.</param>
/// <param name="Value">The text as written, possibly an MSBuild property like <c>$(LoggingVersion)</c>.</param>
internal sealed record VersionSite(string File, string Element, string Attribute, string Value);

/// <summary>
/// Reads and edits the MSBuild files that set a plugin's package versions: the project itself, and, with central
/// package management, the Directory.Packages.props it uses (gomod-cap only knew one go.mod). Edits keep the files'
/// formatting and comments.
/// </summary>
internal sealed class ProjectFiles(string projectPath)
{
    private readonly Dictionary<string, XDocument> documents = new(StringComparer.Ordinal);
    private readonly HashSet<string> changed = new(StringComparer.Ordinal);

    /// <summary>The plugin's project file.</summary>
    public string ProjectPath { get; } = Path.GetFullPath(projectPath);

    /// <summary>Finds where <paramref name="packageId"/>'s version is set, nearest first: the project (Version or VersionOverride), then Directory.Packages.props and Directory.Build.props up the tree.</summary>
    public VersionSite? Find(string packageId)
    {
        foreach (var file in Candidates())
        {
            foreach (var element in Load(file).Descendants().Where(e => e.Name.LocalName is "PackageReference" or "PackageVersion" or "GlobalPackageReference"))
            {
                var include = (string?)element.Attribute("Include") ?? (string?)element.Attribute("Update");
                if (!string.Equals(include, packageId, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                foreach (var attribute in new[] { "VersionOverride", "Version" })
                {
                    var value = (string?)element.Attribute(attribute) ?? element.Elements().FirstOrDefault(c => c.Name.LocalName == attribute)?.Value;
                    if (value is not null)
                    {
                        return new VersionSite(file, element.Name.LocalName, attribute, value.Trim());
                    }
                }
            }
        }

        return null;
    }

    /// <summary>Sets the version at <paramref name="site"/> to <paramref name="version"/>.</summary>
    public void Set(VersionSite site, string packageId, string version)
    {
        var document = Load(site.File);
        var element = document.Descendants().First(e => e.Name.LocalName == site.Element &&
            string.Equals((string?)e.Attribute("Include") ?? (string?)e.Attribute("Update"), packageId, StringComparison.OrdinalIgnoreCase) &&
            (e.Attribute(site.Attribute) is not null || e.Elements().Any(c => c.Name.LocalName == site.Attribute)));
        if (element.Attribute(site.Attribute) is { } attribute)
        {
            attribute.Value = version;
        }
        else
        {
            element.Elements().First(c => c.Name.LocalName == site.Attribute).Value = version;
        }

        changed.Add(site.File);
    }

    /// <summary>
    /// Adds a direct reference that pins a transitive package to <paramref name="version"/>: a PackageReference with
    /// Version in the project, or with central package management a PackageVersion in Directory.Packages.props and a
    /// version-less PackageReference in the project. Returns the files it wrote to.
    /// </summary>
    public IReadOnlyList<string> Pin(string packageId, string version, bool centralPackageManagement, string reason)
    {
        var files = new List<string>();
        if (centralPackageManagement && Candidates().FirstOrDefault(f => Path.GetFileName(f) == "Directory.Packages.props") is { } props)
        {
            AddItem(props, "PackageVersion", packageId, version, reason);
            AddItem(ProjectPath, "PackageReference", packageId, null, reason);
            files.Add(props);
        }
        else
        {
            AddItem(ProjectPath, "PackageReference", packageId, version, reason);
        }

        files.Add(ProjectPath);
        return files;
    }

    /// <summary>Writes every changed file back, keeping formatting, comments and the presence or absence of an XML declaration.</summary>
    public IReadOnlyList<string> Save()
    {
        foreach (var file in changed)
        {
            var document = documents[file];
            var settings = new XmlWriterSettings { OmitXmlDeclaration = document.Declaration is null, Encoding = new UTF8Encoding(false) };
            using var writer = XmlWriter.Create(file, settings);
            document.Save(writer);
        }

        var saved = changed.Order(StringComparer.Ordinal).ToList();
        changed.Clear();
        return saved;
    }

    private void AddItem(string file, string itemName, string packageId, string? version, string reason)
    {
        var document = Load(file);
        var project = document.Root!;
        var ns = project.Name.Namespace;
        var item = new XElement(ns + itemName, new XAttribute("Include", packageId));
        if (version is not null)
        {
            item.Add(new XAttribute("Version", version));
        }

        var group = new XElement(ns + "ItemGroup", "\n    ", new XComment($" {reason} "), "\n    ", item, "\n  ");
        var last = project.LastNode;
        if (last is XText { Value: var text } && string.IsNullOrWhiteSpace(text))
        {
            last.AddBeforeSelf("\n  ", group);
        }
        else
        {
            project.Add("  ", group, "\n");
        }

        changed.Add(file);
    }

    private XDocument Load(string file)
    {
        if (!documents.TryGetValue(file, out var document))
        {
            documents[file] = document = XDocument.Load(file, LoadOptions.PreserveWhitespace);
        }

        return document;
    }

    /// <summary>The project, then for each folder up to the root its Directory.Packages.props and Directory.Build.props/targets.</summary>
    private IEnumerable<string> Candidates()
    {
        yield return ProjectPath;
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(ProjectPath)!); dir is not null; dir = dir.Parent)
        {
            foreach (var name in new[] { "Directory.Packages.props", "Directory.Build.props", "Directory.Build.targets" })
            {
                var file = Path.Combine(dir.FullName, name);
                if (File.Exists(file))
                {
                    yield return file;
                }
            }
        }
    }
}
