using System.Text.RegularExpressions;

namespace Payments.Pipeline.Merchants;

/// <summary>A PSP bank account token (<c>ba_…</c>), as the sellers', merchants' and payouts' checks have it: the one rule for sellers and seeded merchants alike.</summary>
public static partial class BankAccounts
{
    public static bool IsToken(string? value) => value is not null && Token().IsMatch(value);

    // \z, not $, which would let a trailing newline through that the database's check refuses.
    [GeneratedRegex(@"\Aba_[A-Za-z0-9_]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Token();
}
