/** Access tokens shared by api (issues) and ws-node (verifies without a database). */
package dev.chat.tokens;
