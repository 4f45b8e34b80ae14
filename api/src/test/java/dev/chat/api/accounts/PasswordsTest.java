package dev.chat.api.accounts;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordsTest {

    @Test
    void commonPasswordsAreRecognisedIgnoringCase() {
        for (String weak : new String[] {"12345678", "password1", "qwertyuiop", "PASSWORD1", "iloveyou", "1qaz2wsx"}) {
            assertTrue(Passwords.isCommon(weak), weak);
        }
    }

    @Test
    void uncommonPasswordsPass() {
        for (String strong : new String[] {"correct horse battery", "violet tractor harbour", "a long admin password",
                "# not a comment", ""}) {
            assertFalse(Passwords.isCommon(strong), strong);
        }
    }
}
