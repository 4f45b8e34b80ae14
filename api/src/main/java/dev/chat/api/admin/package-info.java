/**
 * The admin console's API under {@code /api/admin} ({@link dev.chat.api.admin.AdminService}), its
 * SQL, and the audit log every admin action writes in its own transaction.
 */
package dev.chat.api.admin;
