/**
 * Groups, their members, roles and channels ({@link dev.chat.api.groups.GroupService}), and invite
 * links: made, checked and redeemed in {@link dev.chat.api.groups.InviteService}; SQL in {@link
 * dev.chat.api.groups.GroupStore}.
 */
package dev.chat.api.groups;
