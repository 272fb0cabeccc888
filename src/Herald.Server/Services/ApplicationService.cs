using Herald.Server.Model;
using Herald.Server.Security;
using Herald.Server.Storage;

namespace Herald.Server.Services;

/// <summary>
/// Application rules shared by the REST API and the plugin host: fresh tokens, sort keys after the user's last one
/// (retried when a concurrent creation took it), unique sort keys, images replaced without losing the old one on a
/// failed write, internal applications not deletable, and an application's image deleted with it.
/// </summary>
public sealed class ApplicationService
{
    /// <summary>Creations racing for the next sort key of one user; each retry takes the key after the winner's.</summary>
    private const int SortKeyAttempts = 50;

    private readonly IApplicationStore store;
    private readonly ImageStore images;
    private readonly TimeProvider time;

    public ApplicationService(IApplicationStore store, ImageStore images, TimeProvider time)
    {
        this.store = store;
        this.images = images;
        this.time = time;
    }

    /// <summary>A new application; without <paramref name="sortKey"/> it comes last in the user's order.</summary>
    /// <exception cref="RuleException">"sort key is not unique".</exception>
    /// <exception cref="UnstorableValueException">The name or description is longer than <see cref="TextLimit"/>.</exception>
    public async Task<Application> CreateAsync(long userId, string name, string description, long defaultPriority, string? sortKey, CancellationToken cancellationToken)
    {
        TextLimit.Check("name", name);
        TextLimit.Check("description", description);
        var requested = !string.IsNullOrEmpty(sortKey);
        try
        {
            // With a requested key one write decides: a refusal is the key's (a token collision has odds of 2^-84).
            return await FreshToken.WriteAsync(
                TokenGenerator.NewApplicationToken,
                async token => await store.CreateApplicationAsync(
                    new Application(0, token, userId, name, description, false, string.Empty, defaultPriority, time.GetLocalNow(), null, requested ? sortKey! : await NextSortKeyAsync(userId, cancellationToken)),
                    cancellationToken),
                requested ? 1 : SortKeyAttempts);
        }
        catch (DuplicateKeyException)
        {
            throw new RuleException("sort key is not unique");
        }
    }

    /// <summary>The application a plugin's messenger sends as: internal, named after the plugin, last in the user's order.</summary>
    public Task<Application> CreateInternalAsync(long userId, string name, string description, CancellationToken cancellationToken) =>
        FreshToken.WriteAsync(
            TokenGenerator.NewApplicationToken,
            async token => await store.CreateApplicationAsync(
                new Application(0, token, userId, name, description, true, string.Empty, 0, time.GetUtcNow(), null, await NextSortKeyAsync(userId, cancellationToken)),
                cancellationToken));

    /// <summary>Stores the changed fields of <paramref name="updated"/>.</summary>
    /// <exception cref="RuleException">"sort key is not unique".</exception>
    /// <exception cref="UnstorableValueException">The name or description is longer than <see cref="TextLimit"/>.</exception>
    public async Task<Application> UpdateAsync(Application updated, CancellationToken cancellationToken)
    {
        TextLimit.Check("name", updated.Name);
        TextLimit.Check("description", updated.Description);
        try
        {
            await store.UpdateApplicationAsync(updated, cancellationToken);
            return updated;
        }
        catch (DuplicateKeyException)
        {
            throw new RuleException("sort key is not unique");
        }
    }

    /// <summary>The application with a new token; the old one stops authenticating at once.</summary>
    public Task<Application> RegenerateTokenAsync(Application application, CancellationToken cancellationToken) =>
        FreshToken.WriteAsync(
            TokenGenerator.NewApplicationToken,
            async token =>
            {
                var updated = application with { Token = token };
                await store.UpdateApplicationAsync(updated, cancellationToken);
                return updated;
            });

    /// <summary>
    /// Saves <paramref name="content"/> as the application's image. The row is written without cancellation once the
    /// file exists, and the new file is deleted if that write fails, so row and folder agree; the old image is
    /// deleted only after the row points to the new one.
    /// </summary>
    public async Task<Application> ReplaceImageAsync(Application application, Stream content, string extension, CancellationToken cancellationToken)
    {
        var name = await images.SaveAsync(content, extension, cancellationToken);
        var updated = application with { Image = name };
        try
        {
            await store.UpdateApplicationAsync(updated, CancellationToken.None);
        }
        catch
        {
            images.Delete(name);
            throw;
        }

        images.Delete(application.Image);
        return updated;
    }

    /// <summary>Back to the default image.</summary>
    /// <exception cref="RuleException">The application has no image of its own.</exception>
    public async Task<Application> RemoveImageAsync(Application application, CancellationToken cancellationToken)
    {
        if (application.Image.Length == 0)
        {
            throw new RuleException($"app with id {application.Id} does not have a customized image");
        }

        var updated = application with { Image = string.Empty };
        await store.UpdateApplicationAsync(updated, cancellationToken);
        images.Delete(application.Image);
        return updated;
    }

    /// <summary>Deletes the application, its messages and its image.</summary>
    /// <exception cref="RuleException">"cannot delete internal application" (a plugin's).</exception>
    public async Task DeleteAsync(Application application, CancellationToken cancellationToken)
    {
        if (application.Internal)
        {
            throw new RuleException("cannot delete internal application");
        }

        await store.DeleteApplicationAsync(application.Id, cancellationToken);
        images.Delete(application.Image);
    }

    private async Task<string> NextSortKeyAsync(long userId, CancellationToken cancellationToken) =>
        FractionalIndex.KeyAfter(await store.GetMaxSortKeyAsync(userId, cancellationToken));
}
