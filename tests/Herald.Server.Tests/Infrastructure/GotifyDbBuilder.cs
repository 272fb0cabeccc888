using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Org.BouncyCastle.Crypto.Parameters;

namespace Herald.Server.Tests.Infrastructure;

/// <summary>Builds SQLite files the way Gotify's gorm AutoMigrate made them, filled like real Gotify data.</summary>
public static class GotifyDbBuilder
{
    /// <summary>Gotify 2.0–2.7 (jinzhu/gorm v1): no default_priority, last_used or sort_key yet.</summary>
    public const string SchemaV20 = """
        CREATE TABLE "users" ("id" integer primary key autoincrement,"name" varchar(180),"pass" blob,"admin" bool );
        CREATE UNIQUE INDEX uix_users_name ON "users"(name) ;
        CREATE TABLE "applications" ("id" integer primary key autoincrement,"token" varchar(180),"user_id" integer,"name" text,"description" text,"internal" bool,"image" text );
        CREATE UNIQUE INDEX uix_applications_token ON "applications"(token) ;
        CREATE INDEX idx_applications_user_id ON "applications"(user_id) ;
        CREATE TABLE "messages" ("id" integer primary key autoincrement,"application_id" integer,"message" text,"title" text,"priority" integer,"extras" blob,"date" datetime );
        CREATE TABLE "clients" ("id" integer primary key autoincrement,"token" varchar(180),"user_id" integer,"name" text );
        CREATE UNIQUE INDEX uix_clients_token ON "clients"(token) ;
        CREATE INDEX idx_clients_user_id ON "clients"(user_id) ;
        CREATE TABLE "plugin_confs" ("id" integer primary key autoincrement,"user_id" integer,"module_path" text,"token" varchar(180),"application_id" integer,"enabled" bool,"config" blob,"storage" blob );
        CREATE UNIQUE INDEX uix_plugin_confs_token ON "plugin_confs"(token) ;
        """;

    /// <summary>Gotify 2.9 (gorm.io v2): default_priority, last_used and sort_key, no created_at.</summary>
    public const string SchemaV29 = """
        CREATE TABLE `users` (`id` integer PRIMARY KEY AUTOINCREMENT,`name` varchar(180),`pass` blob,`admin` numeric);
        CREATE UNIQUE INDEX `uix_users_name` ON `users`(`name`);
        CREATE TABLE `applications` (`id` integer PRIMARY KEY AUTOINCREMENT,`token` varchar(180),`user_id` integer,`name` text,`description` text,`internal` numeric,`image` text,`default_priority` integer,`last_used` datetime,`sort_key` blob);
        CREATE UNIQUE INDEX `uix_applications_token` ON `applications`(`token`);
        CREATE INDEX `idx_applications_user_id` ON `applications`(`user_id`);
        CREATE UNIQUE INDEX `uix_application_user_id_sort_key` ON `applications`(`user_id`,`sort_key`);
        CREATE TABLE `messages` (`id` integer PRIMARY KEY AUTOINCREMENT,`application_id` integer,`message` text,`title` text,`priority` integer,`extras` blob,`date` datetime);
        CREATE INDEX `idx_messages_id` ON `messages`(`id`);
        CREATE TABLE `clients` (`id` integer PRIMARY KEY AUTOINCREMENT,`token` varchar(180),`user_id` integer,`name` text,`last_used` datetime);
        CREATE UNIQUE INDEX `uix_clients_token` ON `clients`(`token`);
        CREATE INDEX `idx_clients_user_id` ON `clients`(`user_id`);
        CREATE TABLE `plugin_confs` (`id` integer PRIMARY KEY AUTOINCREMENT,`user_id` integer,`module_path` text,`token` varchar(180),`application_id` integer,`enabled` numeric,`config` blob,`storage` blob);
        CREATE UNIQUE INDEX `uix_plugin_confs_token` ON `plugin_confs`(`token`);
        """;

    /// <summary>Gotify 3.0: created_at everywhere, oidc_id, client elevation and inactivity expiry.</summary>
    public const string SchemaV3 = """
        CREATE TABLE `users` (`id` integer PRIMARY KEY AUTOINCREMENT,`name` varchar(180),`pass` blob,`admin` numeric,`created_at` datetime,`oidc_id` text);
        CREATE UNIQUE INDEX `uix_users_name` ON `users`(`name`);
        CREATE UNIQUE INDEX `uix_users_oidc_id` ON `users`(`oidc_id`);
        CREATE TABLE `applications` (`id` integer PRIMARY KEY AUTOINCREMENT,`token` varchar(180),`user_id` integer,`name` text,`description` text,`internal` numeric,`image` text,`default_priority` integer,`created_at` datetime,`last_used` datetime,`sort_key` blob);
        CREATE UNIQUE INDEX `uix_applications_token` ON `applications`(`token`);
        CREATE INDEX `idx_applications_user_id` ON `applications`(`user_id`);
        CREATE UNIQUE INDEX `uix_application_user_id_sort_key` ON `applications`(`user_id`,`sort_key`);
        CREATE TABLE `messages` (`id` integer PRIMARY KEY AUTOINCREMENT,`application_id` integer,`message` text,`title` text,`priority` integer,`extras` blob,`date` datetime);
        CREATE INDEX `idx_messages_id` ON `messages`(`id`);
        CREATE TABLE `clients` (`id` integer PRIMARY KEY AUTOINCREMENT,`token` varchar(180),`user_id` integer,`name` text,`created_at` datetime,`last_used` datetime,`elevated_until` datetime,`expires_after_inactivity_seconds` integer NOT NULL DEFAULT 0,`expires_at` datetime);
        CREATE UNIQUE INDEX `uix_clients_token` ON `clients`(`token`);
        CREATE INDEX `idx_clients_user_id` ON `clients`(`user_id`);
        CREATE INDEX `idx_clients_expires_at` ON `clients`(`expires_at`);
        CREATE TABLE `plugin_confs` (`id` integer PRIMARY KEY AUTOINCREMENT,`user_id` integer,`module_path` text,`token` varchar(180),`application_id` integer,`enabled` numeric,`created_at` datetime,`config` blob,`storage` blob);
        CREATE UNIQUE INDEX `uix_plugin_confs_token` ON `plugin_confs`(`token`);
        """;

    /// <summary>A Go-style bcrypt hash (<c>$2a$</c>, cost 10 like Gotify's default) as the bytes Gotify stores.</summary>
    public static byte[] GoBcrypt(string password)
    {
        var hash = BCrypt.Net.BCrypt.HashPassword(password, BCrypt.Net.BCrypt.GenerateSalt(10, 'a'));
        if (!hash.StartsWith("$2a$10$", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("expected a $2a$ hash, got " + hash);
        }

        return Encoding.ASCII.GetBytes(hash);
    }

    /// <summary>Creates <paramref name="path"/> with <paramref name="schema"/> and returns an open connection for inserting rows.</summary>
    public static async Task<SqliteConnection> CreateAsync(string path, string schema)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var db = await TestDb.OpenAsync(path, readOnly: false);
        await db.ExecAsync(schema);
        return db;
    }

    /// <summary>Runs an INSERT with named parameters given as (name, value) pairs.</summary>
    public static Task<int> InsertAsync(this SqliteConnection db, string table, params (string Column, object? Value)[] values)
    {
        var columns = string.Join(",", values.Select(v => "`" + v.Column + "`"));
        var names = string.Join(",", values.Select(v => "$" + v.Column));
        return db.ExecAsync($"INSERT INTO `{table}` ({columns}) VALUES ({names})", values.Select(v => ("$" + v.Column, v.Value)).ToArray());
    }

    /// <summary>Base64url without padding, as Gotify 3's tokens use.</summary>
    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A Gotify 3 "enhanced token": what the user holds (seed) and what the database stores (public key).</summary>
    public static (string Private, string Stored) EnhancedToken(char ident)
    {
        var (priv, stored, _) = EnhancedTokenWithSigner(ident);
        return (priv, stored);
    }

    /// <summary>As <see cref="EnhancedToken"/>, plus a function making the signed form for a unix timestamp.</summary>
    public static (string Private, string Stored, Func<long, string> Signed) EnhancedTokenWithSigner(char ident)
    {
        var seed = RandomNumberGenerator.GetBytes(32);
        var key = new Ed25519PrivateKeyParameters(seed, 0);
        var publicKey = key.GeneratePublicKey().GetEncoded();
        var stored = $"gtfy{ident}.{Base64Url(publicKey)}";
        return ($"gtfy{ident}.{Base64Url(seed)}", stored, ts => $"{stored}.{ts}.{Base64Url(SignIat(key, ts))}");
    }

    /// <summary>
    /// Gotify's signature: Go's ed25519 Sign with Options{Hash: SHA512} over SHA512("iat=&lt;ts&gt;"), i.e. Ed25519ph
    /// whose pre-hash PH(M) is that digest. BouncyCastle's Ed25519phSigner computes PH(M) = SHA512(M) itself, so it
    /// is fed the text "iat=&lt;ts&gt;" and produces exactly Go's signature.
    /// </summary>
    public static byte[] SignIat(Ed25519PrivateKeyParameters key, long timestamp)
    {
        var signer = new Org.BouncyCastle.Crypto.Signers.Ed25519phSigner([]);
        signer.Init(true, key);
        var message = Encoding.ASCII.GetBytes("iat=" + timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        signer.BlockUpdate(message, 0, message.Length);
        var signature = signer.GenerateSignature();

        // Cross-check against the prehash API with Go's own input (the 64-byte digest as PH(M)).
        var digest = SHA512.HashData(message);
        if (!Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.VerifyPrehash(signature, 0, key.GeneratePublicKey().GetEncoded(), 0, [], digest, 0))
        {
            throw new InvalidOperationException("the test's Ed25519ph signature does not match Go's semantics");
        }

        return signature;
    }
}
