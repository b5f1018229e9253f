using System.Globalization;
using Vaurien.Host.Plugins;

namespace Vaurien.Host.Proxy;

/// <summary>
/// Which behavior handles each exchange: <c>20:delay,5:error</c> gives delay to 20% of exchanges, error to 5%, and
/// dummy to the rest. Immutable; a live change replaces the whole policy, so each exchange sees one consistent policy.
/// </summary>
internal sealed class BehaviorPolicy
{
    public const int Total = 100;

    // One slot per percent, as Vaurien's RandomProxy does: a pick is one random number and one index.
    private readonly BehaviorActivation[] _slots;

    public BehaviorPolicy(IReadOnlyList<(int Percent, BehaviorActivation Activation)> entries)
    {
        Entries = entries;
        _slots = new BehaviorActivation[Total];
        var slot = 0;
        foreach (var (percent, activation) in entries)
        {
            for (var i = 0; i < percent; i++)
            {
                _slots[slot++] = activation;
            }
        }

        if (slot != Total)
        {
            throw new ArgumentException($"The weights add up to {slot}, not {Total}.", nameof(entries));
        }

        IsPassThrough = entries.All(e => e.Percent == 0 || e.Activation.IsPassThrough);
        Single = entries.Count(e => e.Percent > 0) == 1 ? entries.First(e => e.Percent > 0).Activation : null;
    }

    /// <summary>The behaviors with their weights, in the order given; they add up to 100.</summary>
    public IReadOnlyList<(int Percent, BehaviorActivation Activation)> Entries { get; }

    /// <summary>True when no behavior of the policy can act on an exchange.</summary>
    public bool IsPassThrough { get; }

    /// <summary>The behavior when one has all 100%, as when set through the control API; otherwise null.</summary>
    public BehaviorActivation? Single { get; }

    /// <summary>A policy giving every exchange to one behavior.</summary>
    public static BehaviorPolicy Only(BehaviorActivation activation) => new([(Total, activation)]);

    public BehaviorActivation Pick(Random random) => Single ?? _slots[random.Next(Total)];

    /// <summary>The policy in Vaurien's notation: <c>20:delay,80:dummy</c>, or the name alone for a single behavior.</summary>
    public override string ToString() =>
        Single?.Name ?? string.Join(",", Entries.Where(e => e.Percent > 0).Select(e => $"{e.Percent.ToString(CultureInfo.InvariantCulture)}:{e.Activation.Name}"));

    /// <summary>
    /// Parses <c>PERCENT:NAME[,PERCENT:NAME...]</c>; a bare <c>NAME</c> means 100%. Names are behavior names or full
    /// type names; the rest up to 100 goes to dummy. Every problem is reported.
    /// </summary>
    /// <param name="spec">The policy text.</param>
    /// <param name="catalog">The loaded behaviors.</param>
    /// <param name="activate">Makes the activation of a behavior (with its configured options).</param>
    /// <param name="errors">Receives one message per problem.</param>
    public static BehaviorPolicy? TryParse(string spec, ExtensionCatalog catalog, Func<ExtensionDescriptor, BehaviorActivation> activate, ICollection<string> errors)
    {
        var entries = new List<(int, BehaviorActivation)>();
        var total = 0;
        var ok = true;
        var parts = spec.Split(',', StringSplitOptions.TrimEntries);
        foreach (var part in parts)
        {
            if (part.Length == 0)
            {
                errors.Add($"Behavior '{spec}' has an empty entry: use PERCENT:NAME[,PERCENT:NAME...], e.g. 20:delay,5:error.");
                ok = false;
                continue;
            }

            var colon = part.IndexOf(':');
            var name = colon < 0 ? part : part[(colon + 1)..].Trim();
            var percent = Total;
            if (colon >= 0 && !int.TryParse(part.AsSpan(0, colon).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out percent))
            {
                errors.Add($"Behavior entry '{part}' needs a whole percentage before the colon, e.g. 20:delay.");
                ok = false;
                continue;
            }

            if (percent > Total)
            {
                errors.Add($"Behavior entry '{part}' has a weight over {Total}.");
                ok = false;
                continue;
            }

            if (!catalog.TryGetBehavior(name, out var descriptor))
            {
                errors.Add(catalog.UnknownMessage(ExtensionKind.Behavior, name));
                ok = false;
                continue;
            }

            if (entries.Any(e => ReferenceEquals(e.Item2.Descriptor, descriptor)))
            {
                errors.Add($"Behavior '{descriptor.Name}' appears twice in '{spec}'.");
                ok = false;
                continue;
            }

            total += percent;
            entries.Add((percent, activate(descriptor)));
        }

        if (total > Total)
        {
            errors.Add($"Behavior weights in '{spec}' add up to {total}: the total must be {Total} or less (the rest goes to dummy).");
            ok = false;
        }

        if (!ok)
        {
            return null;
        }

        if (total < Total)
        {
            var dummyIndex = entries.FindIndex(e => e.Item2.Name == BuiltInNames.Dummy);
            if (dummyIndex >= 0)
            {
                entries[dummyIndex] = (entries[dummyIndex].Item1 + Total - total, entries[dummyIndex].Item2);
            }
            else if (catalog.TryGetBehavior(BuiltInNames.Dummy, out var dummy))
            {
                entries.Add((Total - total, activate(dummy)));
            }
            else
            {
                errors.Add($"Behavior weights in '{spec}' add up to {total} and the rest goes to '{BuiltInNames.Dummy}', which is not loaded.");
                return null;
            }
        }

        return new BehaviorPolicy(entries);
    }
}
