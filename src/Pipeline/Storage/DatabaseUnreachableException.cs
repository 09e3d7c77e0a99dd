namespace Payments.Pipeline.Storage;

/// <summary>No connection to the database could be opened: nothing was sent, nothing recorded.</summary>
public sealed class DatabaseUnreachableException : Exception
{
    public DatabaseUnreachableException()
        : base("The database cannot be reached.")
    {
    }

    public DatabaseUnreachableException(Exception innerException)
        : base("The database cannot be reached.", innerException)
    {
    }

    public DatabaseUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
