package io.failback.vcenter.vsphere;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.rmi.RemoteException;

import com.vmware.vim25.InvalidLogin;
import com.vmware.vim25.InvalidPowerState;
import com.vmware.vim25.LocalizedMethodFault;
import com.vmware.vim25.TaskInProgress;
import io.failback.messages.VcenterResultCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FaultsTest {

    /** What yavijava throws on Java 17 for a SOAP fault it cannot turn into its typed exception. */
    private static RemoteException quoted(String type, String faultString) {
        String fault = "<faultcode>ServerFaultCode</faultcode>" + (faultString == null ? "<faultstring/>" : "<faultstring>" + faultString + "</faultstring>")
                + "<detail><" + type + "Fault xmlns=\"urn:vim25\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\""
                + type + "\"></" + type + "Fault></detail>";
        RuntimeException inner = new RuntimeException("Could not map the soap fault from:\n" + fault);
        return new RemoteException("Exception in SoapClient.invoke:", inner);
    }

    @Test
    void shouldNameAQuotedLoginFaultAuthenticationFailedWithVcentersMessage() {
        VcenterFailure f = Faults.classify(quoted("InvalidLogin", "Login failure"));

        assertThat(f.code()).isEqualTo(VcenterResultCode.AUTHENTICATION_FAILED);
        assertThat(f.getMessage()).isEqualTo("InvalidLogin: Login failure");
    }

    @Test
    void shouldMapQuotedFaultsByTheirType() {
        assertThat(Faults.classify(quoted("ManagedObjectNotFound", "The object has already been deleted")).code())
                .isEqualTo(VcenterResultCode.NOT_FOUND);
        assertThat(Faults.classify(quoted("InvalidPowerState", null)).code()).isEqualTo(VcenterResultCode.INVALID_STATE);
        assertThat(Faults.classify(quoted("DuplicateName", "The name 'app01' already exists.")).code())
                .isEqualTo(VcenterResultCode.INVALID_STATE);
        assertThat(Faults.classify(quoted("GenericVmConfigFault", "bad &lt;config&gt;")).getMessage())
                .isEqualTo("GenericVmConfigFault: bad <config>");
        assertThat(Faults.classify(quoted("GenericVmConfigFault", null)).code()).isEqualTo(VcenterResultCode.TASK_FAILED);
    }

    @Test
    void shouldMapTypedFaultsAsWell() {
        assertThat(Faults.classify(new InvalidLogin()).code()).isEqualTo(VcenterResultCode.AUTHENTICATION_FAILED);
        assertThat(Faults.classify(new TaskInProgress()).code()).isEqualTo(VcenterResultCode.INVALID_STATE);
    }

    @Test
    void shouldTellAnExpiredSessionFromOtherFaults() {
        assertThat(Faults.sessionExpired(quoted("NotAuthenticated", null))).isTrue();
        assertThat(Faults.sessionExpired(quoted("InvalidLogin", "Login failure"))).isFalse();
        assertThat(Faults.sessionExpired(new RemoteException("x", new SocketTimeoutException("Read timed out")))).isFalse();
    }

    @Test
    void shouldMapTransportFailures() {
        assertThat(Faults.classify(new RemoteException("An error occurred", new SocketTimeoutException("Read timed out"))).code())
                .isEqualTo(VcenterResultCode.TIMEOUT);
        VcenterFailure refused = Faults.classify(new RemoteException("Exception caught", new ConnectException("Connection refused")));
        assertThat(refused.code()).isEqualTo(VcenterResultCode.NOT_CONNECTED);
        assertThat(refused.getMessage()).contains("Connection refused");
    }

    @Test
    void shouldNameAFailedTaskByItsFault() {
        LocalizedMethodFault error = new LocalizedMethodFault();
        error.setFault(new InvalidPowerState());
        error.setLocalizedMessage("The attempted operation cannot be performed in the current state (Powered on).");

        VcenterFailure f = Faults.fromTask("PowerOnVM_Task", error);

        assertThat(f.code()).isEqualTo(VcenterResultCode.INVALID_STATE);
        assertThat(f.getMessage()).isEqualTo("PowerOnVM_Task failed: InvalidPowerState: The attempted operation cannot be "
                + "performed in the current state (Powered on).");
    }
}
