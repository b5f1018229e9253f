using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Vaurien.Host.Plugins;

/// <summary>
/// Reads a plugin's main assembly from its metadata, without loading it: is it a .NET assembly, and was it built
/// against the major version of Vaurien.Abstractions this host provides? Loading a plugin built against another
/// contract would fail later with an obscure type-load error, or worse, half work.
/// </summary>
internal static class PluginAssemblyInspector
{
    /// <summary>Returns why the assembly cannot be loaded as a plugin, in one line, or null if it can.</summary>
    /// <param name="path">The plugin's main assembly.</param>
    /// <param name="contract">The host's Vaurien.Abstractions name and version.</param>
    public static string? FindProblem(string path, AssemblyName contract)
    {
        var file = Path.GetFileName(path);
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                return $"'{file}' is not a .NET assembly (it has no .NET metadata).";
            }

            var reader = pe.GetMetadataReader();
            if (!reader.IsAssembly)
            {
                return $"'{file}' is not a .NET assembly (it is a module without a manifest).";
            }

            foreach (var handle in reader.AssemblyReferences)
            {
                var reference = reader.GetAssemblyReference(handle);
                if (reader.StringComparer.Equals(reference.Name, contract.Name!) &&
                    reference.Version.Major != contract.Version!.Major)
                {
                    return $"it was built against {contract.Name} {reference.Version}, but this host provides {contract.Name} {contract.Version}: " +
                        $"rebuild it against {contract.Name} {contract.Version.Major}.x.";
                }
            }

            return null;
        }
        catch (BadImageFormatException)
        {
            return $"'{file}' is not a .NET assembly.";
        }
    }
}
