package io.failback.vcenter.vsphere;

import java.net.MalformedURLException;
import java.rmi.RemoteException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.net.ssl.SSLSocketFactory;

import com.vmware.vim25.ArrayOfManagedObjectReference;
import com.vmware.vim25.ArrayOfOptionValue;
import com.vmware.vim25.ArrayOfVirtualDevice;
import com.vmware.vim25.DynamicProperty;
import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.ObjectContent;
import com.vmware.vim25.ObjectSpec;
import com.vmware.vim25.OptionValue;
import com.vmware.vim25.PropertyFilterSpec;
import com.vmware.vim25.PropertySpec;
import com.vmware.vim25.SelectionSpec;
import com.vmware.vim25.ServiceContent;
import com.vmware.vim25.TaskInfo;
import com.vmware.vim25.TaskInfoState;
import com.vmware.vim25.TraversalSpec;
import com.vmware.vim25.VimPortType;
import com.vmware.vim25.VirtualDevice;
import com.vmware.vim25.mo.ServiceInstance;
import io.failback.messages.VcenterResultCode;
import io.failback.vcenter.VcenterProperties;

/**
 * One logged-in session with one vCenter, at the level of the vSphere API itself: property
 * collector reads that fail loudly (yavijava's managed-object getters return null on any error),
 * a container view over every VM for look-ups by name, and task polling.
 */
final class VimSession {

    static final String VIRTUAL_MACHINE = "VirtualMachine";

    private final VimPortType vim;
    private final ServiceContent content;
    private final ManagedObjectReference vmView;

    private VimSession(VimPortType vim, ServiceContent content, ManagedObjectReference vmView) {
        this.vim = vim;
        this.content = content;
        this.vmView = vmView;
    }

    /** Connects and logs in; the password goes to vCenter and nowhere else. */
    static VimSession login(VcenterProperties.Server server, SSLSocketFactory tls) throws RemoteException, MalformedURLException {
        PinnedTrustClient client = new PinnedTrustClient(server.url(), tls);
        client.setVimNameSpace(ServiceInstance.VIM25_NAMESPACE);
        client.setConnectTimeout(Math.toIntExact(server.connectTimeout().toMillis()));
        client.setReadTimeout(Math.toIntExact(server.operationTimeout().toMillis()));
        VimPortType vim = new VimPortType(client);
        ServiceContent content = vim.retrieveServiceContent(mor("ServiceInstance", "ServiceInstance"));
        client.setSoapActionOnApiVersion(content.getAbout().getApiVersion());
        vim.login(content.getSessionManager(), server.username(), server.password(), null);
        ManagedObjectReference view = vim.createContainerView(content.getViewManager(), content.getRootFolder(),
                new String[] {VIRTUAL_MACHINE}, true);
        return new VimSession(vim, content, view);
    }

    static ManagedObjectReference mor(String type, String value) {
        ManagedObjectReference mor = new ManagedObjectReference();
        mor.setType(type);
        mor.setVal(value);
        return mor;
    }

    VimPortType vim() {
        return vim;
    }

    ServiceContent content() {
        return content;
    }

    /** A round trip that needs a valid session. */
    void ping() throws RemoteException {
        vim.currentTime(mor("ServiceInstance", "ServiceInstance"));
    }

    void logout() {
        try {
            vim.logout(content.getSessionManager());
        } catch (RemoteException | RuntimeException e) {
            // the session may be gone already; nothing to undo
        }
    }

    /** The VMs with exactly this name. */
    List<ManagedObjectReference> vmsNamed(String name) throws RemoteException {
        List<ManagedObjectReference> found = new ArrayList<>();
        for (ObjectContent oc : retrieveAll("name")) {
            if (name.equals(value(oc, "name"))) {
                found.add(oc.getObj());
            }
        }
        return found;
    }

    /** The one VM of this name, or a NOT_FOUND / INVALID_STATE failure. */
    ManagedObjectReference vmNamed(String name) throws RemoteException {
        List<ManagedObjectReference> found = vmsNamed(name);
        if (found.isEmpty()) {
            throw new VcenterFailure(VcenterResultCode.NOT_FOUND, "VM " + name + " not found");
        }
        if (found.size() > 1) {
            throw new VcenterFailure(VcenterResultCode.INVALID_STATE, found.size() + " VMs are named " + name
                    + "; the name must be unique");
        }
        return found.get(0);
    }

    /** The VM whose config.instanceUuid this is, through vCenter's search index; null when there is none. */
    ManagedObjectReference vmByInstanceUuid(String instanceUuid) throws RemoteException {
        return vim.findByUuid(content.getSearchIndex(), null, instanceUuid, true, Boolean.TRUE);
    }

    /**
     * The VM a command names: by its instance UUID when the command carries one (names are not unique in a
     * vCenter), else the one VM of that name; a NOT_FOUND failure when there is none.
     */
    ManagedObjectReference vm(String name, String instanceUuid) throws RemoteException {
        if (instanceUuid == null || instanceUuid.isBlank()) {
            return vmNamed(name);
        }
        ManagedObjectReference found = vmByInstanceUuid(instanceUuid);
        if (found == null) {
            throw new VcenterFailure(VcenterResultCode.NOT_FOUND, "VM " + name + " (instance UUID " + instanceUuid + ") not found");
        }
        return found;
    }

    /** The given properties of one object; a property that is unset is absent from the map. */
    Map<String, Object> read(ManagedObjectReference obj, String... paths) throws RemoteException {
        ObjectSpec os = new ObjectSpec();
        os.setObj(obj);
        os.setSkip(false);
        ObjectContent[] contents = retrieve(os, obj.getType(), paths);
        Map<String, Object> values = new HashMap<>();
        if (contents != null) {
            for (ObjectContent oc : contents) {
                if (oc.getPropSet() != null) {
                    for (DynamicProperty p : oc.getPropSet()) {
                        values.put(p.getName(), p.getVal());
                    }
                }
            }
        }
        return values;
    }

    /** Name and devices of every VM, for the question "is this disk attached anywhere else?". */
    List<VmDevices> allVmDevices() throws RemoteException {
        List<VmDevices> all = new ArrayList<>();
        for (ObjectContent oc : retrieveAll("name", "config.hardware.device")) {
            Object name = value(oc, "name");
            all.add(new VmDevices(oc.getObj(), name == null ? oc.getObj().getVal() : name.toString(),
                    devices(value(oc, "config.hardware.device"))));
        }
        return all;
    }

    record VmDevices(ManagedObjectReference vm, String name, List<VirtualDevice> devices) {
    }

    static List<VirtualDevice> devices(Object property) {
        VirtualDevice[] array = null;
        if (property instanceof ArrayOfVirtualDevice a) {
            array = a.getVirtualDevice();
        } else if (property instanceof VirtualDevice[] a) {
            array = a;
        }
        return array == null ? List.of() : List.of(array);
    }

    /** An inventory object, its name and the other properties asked for (an unset one is absent). */
    record Named(ManagedObjectReference mor, String name, Map<String, Object> props) {
    }

    /**
     * The objects of one type (or a subtype) below a container (a folder, datacenter, compute resource or host),
     * with their names and the given properties: its direct children only unless recursive. The view lives for
     * this call only.
     */
    List<Named> within(ManagedObjectReference container, String type, boolean recursive, String... paths) throws RemoteException {
        ManagedObjectReference view = vim.createContainerView(content.getViewManager(), container, new String[] {type}, recursive);
        try {
            List<Named> found = new ArrayList<>();
            for (ObjectContent oc : retrieveThrough(view, type, withName(paths))) {
                found.add(named(oc));
            }
            return found;
        } finally {
            try {
                vim.destroyView(view);
            } catch (RemoteException | RuntimeException e) {
                // a view left behind goes with the session; the answer already read stands
            }
        }
    }

    /**
     * A reference read as a single property value: yavijava takes its xsi:type ("ManagedObjectReference") for the
     * object's type, so the caller, who knows the type the API gives that property, restores it.
     */
    static ManagedObjectReference typed(Object property, String type) {
        return property instanceof ManagedObjectReference m ? mor(type, m.getVal()) : null;
    }

    /** These objects (of any types) with their names and the given properties, in one round trip. */
    List<Named> names(List<ManagedObjectReference> objects, String... paths) throws RemoteException {
        if (objects.isEmpty()) {
            return List.of();
        }
        Set<String> types = new LinkedHashSet<>();
        List<ObjectSpec> specs = new ArrayList<>();
        for (ManagedObjectReference mor : objects) {
            types.add(mor.getType());
            ObjectSpec os = new ObjectSpec();
            os.setObj(mor);
            os.setSkip(false);
            specs.add(os);
        }
        List<PropertySpec> props = new ArrayList<>();
        for (String type : types) {
            props.add(propertySpec(type, withName(paths)));
        }
        PropertyFilterSpec spec = new PropertyFilterSpec();
        spec.setObjectSet(specs.toArray(new ObjectSpec[0]));
        spec.setPropSet(props.toArray(new PropertySpec[0]));
        ObjectContent[] contents = vim.retrieveProperties(content.getPropertyCollector(), new PropertyFilterSpec[] {spec});
        List<Named> named = new ArrayList<>();
        if (contents != null) {
            for (ObjectContent oc : contents) {
                named.add(named(oc));
            }
        }
        return named;
    }

    /** A property holding references (a cluster's hosts, a folder's children), as a list. */
    static List<ManagedObjectReference> mors(Object property) {
        ManagedObjectReference[] array = null;
        if (property instanceof ArrayOfManagedObjectReference a) {
            array = a.getManagedObjectReference();
        } else if (property instanceof ManagedObjectReference[] a) {
            array = a;
        }
        return array == null ? List.of() : List.of(array);
    }

    /** The value of one key of a VM's config.extraConfig; null when absent. */
    static String extraConfig(Object property, String key) {
        OptionValue[] array = null;
        if (property instanceof ArrayOfOptionValue a) {
            array = a.getOptionValue();
        } else if (property instanceof OptionValue[] a) {
            array = a;
        }
        if (array != null) {
            for (OptionValue o : array) {
                if (key.equals(o.getKey())) {
                    return o.getValue() == null ? null : o.getValue().toString();
                }
            }
        }
        return null;
    }

    /** Polls the task until it ends; interrupted when the operation's deadline passed. */
    TaskInfo await(ManagedObjectReference task) throws RemoteException, InterruptedException {
        long pause = 20;
        while (true) {
            TaskInfo info = (TaskInfo) read(task, "info").get("info");
            if (info != null && (info.getState() == TaskInfoState.success || info.getState() == TaskInfoState.error)) {
                return info;
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 1000);
        }
    }

    private ObjectContent[] retrieveAll(String... paths) throws RemoteException {
        return retrieveThrough(vmView, VIRTUAL_MACHINE, paths);
    }

    private ObjectContent[] retrieveThrough(ManagedObjectReference view, String type, String... paths) throws RemoteException {
        TraversalSpec throughView = new TraversalSpec();
        throughView.setName("view");
        throughView.setType("ContainerView");
        throughView.setPath("view");
        throughView.setSkip(false);
        ObjectSpec os = new ObjectSpec();
        os.setObj(view);
        os.setSkip(true);
        os.setSelectSet(new SelectionSpec[] {throughView});
        ObjectContent[] contents = retrieve(os, type, paths);
        return contents == null ? new ObjectContent[0] : contents;
    }

    private ObjectContent[] retrieve(ObjectSpec os, String type, String... paths) throws RemoteException {
        PropertyFilterSpec spec = new PropertyFilterSpec();
        spec.setObjectSet(new ObjectSpec[] {os});
        spec.setPropSet(new PropertySpec[] {propertySpec(type, paths)});
        return vim.retrieveProperties(content.getPropertyCollector(), new PropertyFilterSpec[] {spec});
    }

    private static String[] withName(String... paths) {
        String[] all = new String[paths.length + 1];
        all[0] = "name";
        System.arraycopy(paths, 0, all, 1, paths.length);
        return all;
    }

    private static Named named(ObjectContent oc) {
        Map<String, Object> props = new HashMap<>();
        if (oc.getPropSet() != null) {
            for (DynamicProperty p : oc.getPropSet()) {
                props.put(p.getName(), p.getVal());
            }
        }
        Object name = props.remove("name");
        return new Named(oc.getObj(), name == null ? "" : name.toString(), props);
    }

    private static Object value(ObjectContent oc, String path) {
        if (oc.getPropSet() != null) {
            for (DynamicProperty p : oc.getPropSet()) {
                if (path.equals(p.getName())) {
                    return p.getVal();
                }
            }
        }
        return null;
    }

    private static PropertySpec propertySpec(String type, String... paths) {
        PropertySpec ps = new PropertySpec();
        ps.setType(type);
        ps.setAll(false);
        ps.setPathSet(paths);
        return ps;
    }
}
