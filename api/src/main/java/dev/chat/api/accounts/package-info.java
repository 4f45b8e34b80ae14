/**
 * Accounts and people: sign-up, login, sessions and tokens ({@link dev.chat.api.accounts.AuthService},
 * {@link dev.chat.api.accounts.Authenticator}, {@link dev.chat.api.accounts.AccountGuard}),
 * passwords, profiles and contacts ({@link dev.chat.api.accounts.PeopleService}), who may see
 * whose presence ({@link dev.chat.api.accounts.PresenceService}); SQL in {@link
 * dev.chat.api.accounts.UserStore}.
 */
package dev.chat.api.accounts;
