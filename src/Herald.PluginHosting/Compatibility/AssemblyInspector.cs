using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Herald.PluginHosting.Compatibility;

/// <summary>Facts about one assembly file, read from its PE headers and metadata without loading it.</summary>
/// <param name="Name">The assembly's simple name.</param>
/// <param name="Version">The assembly version.</param>
/// <param name="Architecture">AnyCPU, X86, X64, Arm or Arm64, from the PE machine and CLR flags.</param>
/// <param name="TargetFramework">The TargetFrameworkAttribute value, e.g. <c>.NETCoreApp,Version=v10.0</c>; empty when absent.</param>
/// <param name="References">Referenced assemblies: simple name → version.</param>
/// <param name="PluginTypes">Public non-abstract classes that implement Herald.PluginApi.IPluginFactory, with their [PluginInfo].</param>
/// <param name="InformationalVersion">The AssemblyInformationalVersionAttribute value, if any.</param>
internal sealed record AssemblyFacts(
    string Name,
    Version Version,
    string Architecture,
    string TargetFramework,
    IReadOnlyDictionary<string, Version> References,
    IReadOnlyList<PluginTypeFacts> PluginTypes,
    string? InformationalVersion);

/// <summary>A plugin type found in metadata.</summary>
/// <param name="FullName">Namespace-qualified type name.</param>
/// <param name="Info">The decoded [PluginInfo] attribute (named argument → value, plus <c>ModulePath</c>), or null when absent.</param>
internal sealed record PluginTypeFacts(string FullName, IReadOnlyDictionary<string, string?>? Info);

/// <summary>Reads <see cref="AssemblyFacts"/> with System.Reflection.Metadata, so no plugin code runs.</summary>
internal static class AssemblyInspector
{
    private const string ApiNamespace = "Herald.PluginApi";

    /// <summary>The assembly version of <paramref name="path"/>, or null when it is not a .NET assembly.</summary>
    public static Version? TryReadAssemblyVersion(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            return pe.HasMetadata && pe.GetMetadataReader().IsAssembly ? pe.GetMetadataReader().GetAssemblyDefinition().Version : null;
        }
        catch (Exception e) when (e is BadImageFormatException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Reads the facts of <paramref name="path"/>.</summary>
    /// <exception cref="BadImageFormatException">The file is not a .NET assembly, or its metadata is damaged.</exception>
    public static AssemblyFacts Read(string path)
    {
        try
        {
            return ReadFacts(path);
        }
        catch (Exception e) when (e is not (BadImageFormatException or IOException or UnauthorizedAccessException or OutOfMemoryException))
        {
            // System.Reflection.Metadata reads lazily and, on damaged tables, throws more than BadImageFormatException:
            // an OverflowException from the stream headers was found by the plugin-package fuzz target. All of them mean
            // the same to the user: the file is not a readable assembly, reported as one compatibility sentence.
            throw new BadImageFormatException($"the file's metadata is damaged ({e.Message.TrimEnd('.')})", path, e);
        }
    }

    private static AssemblyFacts ReadFacts(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
        {
            throw new BadImageFormatException("the file has no .NET metadata");
        }

        var md = pe.GetMetadataReader();
        if (!md.IsAssembly)
        {
            throw new BadImageFormatException("the file is a .NET module, not an assembly");
        }

        var definition = md.GetAssemblyDefinition();
        var references = new Dictionary<string, Version>(StringComparer.OrdinalIgnoreCase);
        foreach (var handle in md.AssemblyReferences)
        {
            var reference = md.GetAssemblyReference(handle);
            references[md.GetString(reference.Name)] = reference.Version;
        }

        string targetFramework = string.Empty;
        string? informational = null;
        foreach (var handle in definition.GetCustomAttributes())
        {
            var attribute = md.GetCustomAttribute(handle);
            var (ns, name) = AttributeTypeName(md, attribute);
            if (ns == "System.Runtime.Versioning" && name == "TargetFrameworkAttribute")
            {
                targetFramework = attribute.DecodeValue(StringTypeProvider.Instance).FixedArguments.FirstOrDefault().Value as string ?? string.Empty;
            }
            else if (ns == "System.Reflection" && name == "AssemblyInformationalVersionAttribute")
            {
                informational = attribute.DecodeValue(StringTypeProvider.Instance).FixedArguments.FirstOrDefault().Value as string;
            }
        }

        return new AssemblyFacts(
            md.GetString(definition.Name),
            definition.Version,
            Architecture(pe.PEHeaders),
            targetFramework,
            references,
            FindPluginTypes(md),
            informational);
    }

    private static string Architecture(PEHeaders headers)
    {
        var flags = headers.CorHeader?.Flags ?? 0;
        return headers.CoffHeader.Machine switch
        {
            // I386 + ILOnly without Requires32Bit is what the compiler writes for AnyCPU.
            Machine.I386 when (flags & CorFlags.Requires32Bit) == 0 && (flags & CorFlags.ILOnly) != 0 => "AnyCPU",
            Machine.I386 => "X86",
            Machine.Amd64 => "X64",
            Machine.Arm or Machine.ArmThumb2 => "Arm",
            Machine.Arm64 => "Arm64",
            var other => other.ToString(),
        };
    }

    private static List<PluginTypeFacts> FindPluginTypes(MetadataReader md)
    {
        var found = new List<PluginTypeFacts>();
        foreach (var handle in md.TypeDefinitions)
        {
            var type = md.GetTypeDefinition(handle);
            var attributes = type.Attributes;
            var isPublic = (attributes & TypeAttributes.VisibilityMask) == TypeAttributes.Public;
            var isClass = (attributes & TypeAttributes.Interface) == 0;
            if (!isPublic || !isClass || (attributes & TypeAttributes.Abstract) != 0)
            {
                continue;
            }

            if (!ImplementsFactory(md, type))
            {
                continue;
            }

            IReadOnlyDictionary<string, string?>? info = null;
            foreach (var attributeHandle in type.GetCustomAttributes())
            {
                var attribute = md.GetCustomAttribute(attributeHandle);
                if (AttributeTypeName(md, attribute) != (ApiNamespace, "PluginInfoAttribute"))
                {
                    continue;
                }

                var value = attribute.DecodeValue(StringTypeProvider.Instance);
                var decoded = new Dictionary<string, string?>(StringComparer.Ordinal)
                {
                    ["ModulePath"] = value.FixedArguments.FirstOrDefault().Value as string,
                };
                foreach (var named in value.NamedArguments)
                {
                    if (named.Name is not null)
                    {
                        decoded[named.Name] = named.Value as string;
                    }
                }

                info = decoded;
            }

            var ns = md.GetString(type.Namespace);
            var typeName = md.GetString(type.Name);
            found.Add(new PluginTypeFacts(ns.Length == 0 ? typeName : $"{ns}.{typeName}", info));
        }

        return found;
    }

    private static bool ImplementsFactory(MetadataReader md, TypeDefinition type)
    {
        // Direct implementations, and implementations inherited from a base class in the same assembly; a base class
        // elsewhere is caught after loading, by reflection.
        for (var depth = 0; depth < 16; depth++)
        {
            foreach (var implHandle in type.GetInterfaceImplementations())
            {
                var iface = md.GetInterfaceImplementation(implHandle).Interface;
                if (iface.Kind == HandleKind.TypeReference)
                {
                    var reference = md.GetTypeReference((TypeReferenceHandle)iface);
                    if (md.GetString(reference.Namespace) == ApiNamespace && md.GetString(reference.Name) == "IPluginFactory")
                    {
                        return true;
                    }
                }
            }

            if (type.BaseType.Kind != HandleKind.TypeDefinition)
            {
                return false;
            }

            type = md.GetTypeDefinition((TypeDefinitionHandle)type.BaseType);
        }

        return false;
    }

    private static (string Namespace, string Name) AttributeTypeName(MetadataReader md, CustomAttribute attribute)
    {
        EntityHandle typeHandle = attribute.Constructor.Kind switch
        {
            HandleKind.MemberReference => md.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent,
            HandleKind.MethodDefinition => md.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType(),
            _ => default,
        };
        return typeHandle.Kind switch
        {
            HandleKind.TypeReference => (md.GetString(md.GetTypeReference((TypeReferenceHandle)typeHandle).Namespace), md.GetString(md.GetTypeReference((TypeReferenceHandle)typeHandle).Name)),
            HandleKind.TypeDefinition => (md.GetString(md.GetTypeDefinition((TypeDefinitionHandle)typeHandle).Namespace), md.GetString(md.GetTypeDefinition((TypeDefinitionHandle)typeHandle).Name)),
            _ => (string.Empty, string.Empty),
        };
    }

    /// <summary>Decodes attribute arguments as strings and primitives; enough for [PluginInfo] and the framework attributes.</summary>
    private sealed class StringTypeProvider : ICustomAttributeTypeProvider<object?>
    {
        public static readonly StringTypeProvider Instance = new();

        public object? GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode;

        public object? GetSystemType() => typeof(Type);

        public object? GetSZArrayType(object? elementType) => null;

        public object? GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => null;

        public object? GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => null;

        public object? GetTypeFromSerializedName(string name) => name;

        public PrimitiveTypeCode GetUnderlyingEnumType(object? type) => PrimitiveTypeCode.Int32;

        public bool IsSystemType(object? type) => type is Type t && t == typeof(Type);
    }
}
