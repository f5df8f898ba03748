// Command vcsim serves VMware's vSphere API simulator (govmomi's simulator package) for the failback
// sandbox: a vCenter model in the vSphere API 6.0 shape, over HTTPS with a certificate of its own,
// seeded with what failback needs (a master target holding the replica disks, on-premises VMs).
//
// It prints one line on stdout when it is ready to serve, tab-separated key=value pairs:
//
//	vcsim-ready	url=https://127.0.0.1:PORT/sdk	certificate=/path/cert.pem	pid=PID
//
// (certificate only over HTTPS). Everything else goes to stderr. With -trace it logs each SOAP call
// as "vcsim-call method=NAME" on stderr before serving it, so a test can act while a call is in flight.
package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io/ioutil"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// Seed is what the sandbox needs in the simulated vCenter besides the generated model.
type Seed struct {
	// Datastore for VMs whose disks name none; default: the first datastore of the model.
	Datastore string `json:"datastore"`
	// MasterTargets hold the replica disks; same shape as Vms, kept apart to say their role.
	MasterTargets []VM `json:"masterTargets"`
	Vms           []VM `json:"vms"`
}

// VM is one seeded virtual machine.
type VM struct {
	Name    string `json:"name"`
	GuestID string `json:"guestId"`
	// PowerState: poweredOn, poweredOff (default) or suspended.
	PowerState string `json:"powerState"`
	// Disks are datastore paths, e.g. "[LocalDS_0] mt01/web01_1.vmdk"; created and attached in order.
	Disks []string `json:"disks"`
	// ScsiControllers to create (default 1); 0 gives a VM without any SCSI controller.
	ScsiControllers *int `json:"scsiControllers"`
	Snapshots       int  `json:"snapshots"`
	// ToolsUpgradePolicy as in config.tools (default "manual").
	ToolsUpgradePolicy string `json:"toolsUpgradePolicy"`
	// InstanceUuid as in config.instanceUuid (default: a new one); how the agent finds a VM whose name isn't unique.
	InstanceUuid string `json:"instanceUuid"`
	// Folder is a VM folder under the datacenter's VM folder, made when missing (default: the VM folder itself).
	Folder string `json:"folder"`
}

func main() {
	log.SetOutput(os.Stderr)
	listen := flag.String("listen", "127.0.0.1", "address to listen on")
	port := flag.Int("port", 0, "port to listen on; 0 picks a free port")
	plainHTTP := flag.Bool("http", false, "serve plain HTTP instead of HTTPS")
	certDir := flag.String("cert-dir", "", "directory for the PEM certificate (default: a new temporary directory)")
	username := flag.String("username", "user", "the one accepted user name")
	password := flag.String("password", "pass", "the one accepted password (VCSIM_PASSWORD in the environment wins, "+
		"so the password need not show in the process list)")
	seedFile := flag.String("seed", "", "JSON seed file (see Seed)")
	seedJSON := flag.String("seed-json", "", "JSON seed given inline, applied after -seed")
	dc := flag.Int("dc", 1, "datacenters in the model")
	clusters := flag.Int("cluster", 1, "clusters per datacenter")
	clusterHosts := flag.Int("host", 3, "hosts per cluster")
	standalone := flag.Int("standalone-host", 1, "standalone hosts per datacenter")
	machines := flag.Int("vm", 2, "generated VMs per resource pool (besides the seeded ones)")
	datastores := flag.Int("ds", 1, "datastores per datacenter")
	delay := flag.Int("delay", 0, "milliseconds added to every SOAP call")
	methodDelay := flag.String("method-delay", "", "per-method delays, e.g. ReconfigVM_Task:1500,PowerOnVM_Task:200")
	jitter := flag.Float64("jitter", 0, "delay jitter as a coefficient of variation (stddev/mean)")
	idle := flag.Duration("session-idle-timeout", 0, "expire sessions idle this long (0: never)")
	trace := flag.Bool("trace", false, "log every SOAP call on stderr as it arrives")
	flag.Parse()
	if fromEnv := os.Getenv("VCSIM_PASSWORD"); fromEnv != "" {
		*password = fromEnv
	}

	if err := run(options{*listen, *port, *plainHTTP, *certDir, *username, *password, *seedFile, *seedJSON,
		*dc, *clusters, *clusterHosts, *standalone, *machines, *datastores, *delay, *methodDelay, *jitter, *idle, *trace}); err != nil {
		log.Printf("vcsim: %v", err)
		os.Exit(1)
	}
}

type options struct {
	listen                                 string
	port                                   int
	plainHTTP                              bool
	certDir, username, password            string
	seedFile, seedJSON                     string
	dc, clusters, clusterHosts, standalone int
	machines, datastores, delay            int
	methodDelay                            string
	jitter                                 float64
	idle                                   time.Duration
	trace                                  bool
}

func run(o options) error {
	seed, err := loadSeed(o.seedFile, o.seedJSON)
	if err != nil {
		return err
	}
	delays, err := parseMethodDelays(o.methodDelay)
	if err != nil {
		return err
	}

	model := simulator.VPX()
	model.Datacenter = o.dc
	model.Cluster = o.clusters
	model.ClusterHost = o.clusterHosts
	model.Host = o.standalone
	model.Machine = o.machines
	model.Datastore = o.datastores
	presentAPI60(&model.ServiceContent)
	simulator.SessionIdleTimeout = o.idle

	if err := model.Create(); err != nil {
		return fmt.Errorf("create model: %w", err)
	}
	defer model.Remove()

	model.Service.Listen = &url.URL{Host: net.JoinHostPort(o.listen, strconv.Itoa(o.port)),
		User: url.UserPassword(o.username, o.password)}
	certFile := ""
	if !o.plainHTTP {
		cert, file, err := selfSigned(o.certDir, o.listen)
		if err != nil {
			return err
		}
		model.Service.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
		certFile = file
	}
	server := model.Service.NewServer()
	defer server.Close()
	if o.trace {
		// Wrapped before anyone knows the port (the ready line comes later), so no request sees the swap.
		server.Config.Handler = traced(server.Config.Handler)
	}

	if err := apply(server.URL, o.username, o.password, seed); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	// Latency starts after seeding, so that seeding is quick whatever the delays.
	model.DelayConfig.Delay = o.delay
	model.DelayConfig.MethodDelay = delays
	model.DelayConfig.DelayJitter = o.jitter

	u := *server.URL
	u.User = nil
	line := fmt.Sprintf("vcsim-ready\turl=%s", u.String())
	if certFile != "" {
		line += "\tcertificate=" + certFile
	}
	fmt.Printf("%s\tpid=%d\n", line, os.Getpid())

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	return nil
}

// presentAPI60 makes the simulator answer like a vCenter 6.0: clients that declare API 6.0 (yavijava)
// reject the managers added later, which a real vCenter would not send them.
func presentAPI60(sc *types.ServiceContent) {
	sc.VStorageObjectManager = nil
	sc.HostSpecManager = nil
	sc.CryptoManager = nil
	sc.HealthUpdateManager = nil
	sc.FailoverClusterConfigurator = nil
	sc.FailoverClusterManager = nil
	sc.About.Version = "6.0.0"
	sc.About.ApiVersion = "6.0"
	sc.About.FullName = "VMware vCenter Server 6.0.0 build-3634793 (govmomi simulator)"
}

func loadSeed(file, inline string) (*Seed, error) {
	seed := &Seed{}
	if file != "" {
		data, err := ioutil.ReadFile(file)
		if err != nil {
			return nil, err
		}
		if err := strictJSON(data, seed); err != nil {
			return nil, fmt.Errorf("seed file %s: %w", file, err)
		}
	}
	if inline != "" {
		more := &Seed{}
		if err := strictJSON([]byte(inline), more); err != nil {
			return nil, fmt.Errorf("-seed-json: %w", err)
		}
		if more.Datastore != "" {
			seed.Datastore = more.Datastore
		}
		seed.MasterTargets = append(seed.MasterTargets, more.MasterTargets...)
		seed.Vms = append(seed.Vms, more.Vms...)
	}
	return seed, nil
}

func strictJSON(data []byte, v interface{}) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func parseMethodDelays(s string) (map[string]int, error) {
	delays := map[string]int{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		kv := strings.SplitN(part, ":", 2)
		if len(kv) != 2 {
			return nil, fmt.Errorf("-method-delay %q: want Method:millis", part)
		}
		ms, err := strconv.Atoi(kv[1])
		if err != nil {
			return nil, fmt.Errorf("-method-delay %q: %w", part, err)
		}
		delays[kv[0]] = ms
	}
	return delays, nil
}

// selfSigned makes a fresh ECDSA certificate for the loopback names and the listen address, and
// writes it as PEM for clients to trust.
func selfSigned(dir, host string) (tls.Certificate, string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return tls.Certificate{}, "", err
	}
	template := x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "vcsim", Organization: []string{"failback sandbox"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(30 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
	}
	if ip := net.ParseIP(host); ip != nil && !ip.IsLoopback() && !ip.IsUnspecified() {
		template.IPAddresses = append(template.IPAddresses, ip)
	} else if ip == nil && host != "" && host != "localhost" {
		template.DNSNames = append(template.DNSNames, host)
	}
	der, err := x509.CreateCertificate(rand.Reader, &template, &template, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	if dir == "" {
		if dir, err = ioutil.TempDir("", "vcsim-cert-"); err != nil {
			return tls.Certificate{}, "", err
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return tls.Certificate{}, "", err
	}
	file, err := filepath.Abs(filepath.Join(dir, "vcsim-cert.pem"))
	if err != nil {
		return tls.Certificate{}, "", err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := ioutil.WriteFile(file, certPEM, 0o644); err != nil {
		return tls.Certificate{}, "", err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, file, nil
}

// traced logs the SOAP method of each request before passing it on.
func traced(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.Body != nil {
			body, err := ioutil.ReadAll(r.Body)
			_ = r.Body.Close()
			if err == nil {
				log.Printf("vcsim-call method=%s", soapMethod(body))
			}
			r.Body = ioutil.NopCloser(bytes.NewReader(body))
		}
		next.ServeHTTP(w, r)
	})
}

// soapMethod is the name of the first element inside the SOAP Body.
func soapMethod(body []byte) string {
	dec := xml.NewDecoder(bytes.NewReader(body))
	inBody := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return "unknown"
		}
		if start, ok := tok.(xml.StartElement); ok {
			if inBody {
				return start.Name.Local
			}
			inBody = start.Name.Local == "Body"
		}
	}
}

// apply creates the seeded VMs through the vSphere API, as an administrator would.
func apply(u *url.URL, username, password string, seed *Seed) error {
	if len(seed.MasterTargets) == 0 && len(seed.Vms) == 0 {
		return nil
	}
	ctx := context.Background()
	login := *u
	login.User = url.UserPassword(username, password)
	client, err := govmomi.NewClient(ctx, &login, true)
	if err != nil {
		return err
	}
	defer func() { _ = client.Logout(ctx) }()

	finder := find.NewFinder(client.Client, false)
	dcs, err := finder.DatacenterList(ctx, "*")
	if err != nil {
		return err
	}
	datacenter := dcs[0]
	finder.SetDatacenter(datacenter)
	folders, err := datacenter.Folders(ctx)
	if err != nil {
		return err
	}
	pools, err := finder.ResourcePoolList(ctx, "*")
	if err != nil {
		return err
	}
	datastore := seed.Datastore
	if datastore == "" {
		stores, err := finder.DatastoreList(ctx, "*")
		if err != nil {
			return err
		}
		datastore = stores[0].Name()
	}
	made := map[string]*object.Folder{"": folders.VmFolder}
	for _, spec := range append(append([]VM{}, seed.MasterTargets...), seed.Vms...) {
		folder, ok := made[spec.Folder]
		if !ok {
			if folder, err = folders.VmFolder.CreateFolder(ctx, spec.Folder); err != nil {
				return fmt.Errorf("folder %s: %w", spec.Folder, err)
			}
			made[spec.Folder] = folder
		}
		if err := createVM(ctx, client, datacenter, folder, pools[0], datastore, spec); err != nil {
			return fmt.Errorf("VM %s: %w", spec.Name, err)
		}
	}
	return nil
}

func createVM(ctx context.Context, client *govmomi.Client, dc *object.Datacenter, folder *object.Folder,
	pool *object.ResourcePool, datastore string, spec VM) error {
	if spec.Name == "" {
		return errors.New("a seeded VM needs a name")
	}
	guest := spec.GuestID
	if guest == "" {
		guest = string(types.VirtualMachineGuestOsIdentifierOtherGuest64)
	}
	policy := spec.ToolsUpgradePolicy
	if policy == "" {
		policy = string(types.UpgradePolicyManual)
	}
	controllers := 1
	if spec.ScsiControllers != nil {
		controllers = *spec.ScsiControllers
	}

	var devices object.VirtualDeviceList
	for i := 0; i < controllers; i++ {
		scsi, err := devices.CreateSCSIController("pvscsi")
		if err != nil {
			return err
		}
		devices = append(devices, scsi)
	}
	add, err := devices.ConfigSpec(types.VirtualDeviceConfigSpecOperationAdd)
	if err != nil {
		return err
	}
	config := types.VirtualMachineConfigSpec{
		Name:         spec.Name,
		GuestId:      guest,
		InstanceUuid: spec.InstanceUuid,
		Files:        &types.VirtualMachineFileInfo{VmPathName: "[" + datastore + "]"},
		Tools:        &types.ToolsConfigInfo{ToolsUpgradePolicy: policy},
		DeviceChange: add,
	}
	task, err := folder.CreateVM(ctx, config, pool, nil)
	if err != nil {
		return err
	}
	info, err := task.WaitForResult(ctx, nil)
	if err != nil {
		return err
	}
	vm := object.NewVirtualMachine(client.Client, info.Result.(types.ManagedObjectReference))

	if len(spec.Disks) > 0 {
		if err := addDisks(ctx, client, dc, vm, spec.Disks); err != nil {
			return err
		}
	}
	for i := 0; i < spec.Snapshots; i++ {
		task, err := vm.CreateSnapshot(ctx, fmt.Sprintf("seed-%d", i+1), "seeded", false, false)
		if err != nil {
			return err
		}
		if err := task.Wait(ctx); err != nil {
			return err
		}
	}
	switch spec.PowerState {
	case "", string(types.VirtualMachinePowerStatePoweredOff):
		return nil
	case string(types.VirtualMachinePowerStatePoweredOn):
		return wait(ctx, vm.PowerOn)
	case string(types.VirtualMachinePowerStateSuspended):
		if err := wait(ctx, vm.PowerOn); err != nil {
			return err
		}
		return wait(ctx, vm.Suspend)
	default:
		return fmt.Errorf("unknown power state %q", spec.PowerState)
	}
}

func wait(ctx context.Context, op func(context.Context) (*object.Task, error)) error {
	task, err := op(ctx)
	if err != nil {
		return err
	}
	return task.Wait(ctx)
}

// addDisks creates the disk files and attaches them on the first free SCSI units.
func addDisks(ctx context.Context, client *govmomi.Client, dc *object.Datacenter, vm *object.VirtualMachine, disks []string) error {
	devices, err := vm.Device(ctx)
	if err != nil {
		return err
	}
	scsi := devices.SelectByType((*types.VirtualSCSIController)(nil))
	if len(scsi) == 0 {
		return errors.New("disks need a SCSI controller (scsiControllers is 0)")
	}
	files := object.NewFileManager(client.Client)
	var changes []types.BaseVirtualDeviceConfigSpec
	for _, name := range disks {
		var p object.DatastorePath
		if !p.FromString(name) || p.Path == "" {
			return fmt.Errorf("disk %q is not a datastore path like \"[LocalDS_0] dir/disk.vmdk\"", name)
		}
		dir := object.DatastorePath{Datastore: p.Datastore, Path: path.Dir(p.Path)}
		// With parents requested, an existing directory is no error.
		if err := files.MakeDirectory(ctx, dir.String(), dc, true); err != nil {
			return fmt.Errorf("make directory %s: %w", dir.String(), err)
		}
		controller := freeController(devices, scsi)
		if controller == nil {
			return fmt.Errorf("no free SCSI unit for disk %s", name)
		}
		disk := devices.CreateDisk(controller, types.ManagedObjectReference{}, name)
		disk.CapacityInKB = 1024
		devices = append(devices, disk)
		changes = append(changes, &types.VirtualDeviceConfigSpec{
			Operation:     types.VirtualDeviceConfigSpecOperationAdd,
			FileOperation: types.VirtualDeviceConfigSpecFileOperationCreate,
			Device:        disk,
		})
	}
	task, err := vm.Reconfigure(ctx, types.VirtualMachineConfigSpec{DeviceChange: changes})
	if err != nil {
		return err
	}
	return task.Wait(ctx)
}

// freeController is the first SCSI controller with fewer than 15 devices (unit 7 is the controller's own).
func freeController(devices object.VirtualDeviceList, controllers object.VirtualDeviceList) types.BaseVirtualController {
	for _, c := range controllers {
		controller := c.(types.BaseVirtualController)
		used := 0
		for _, d := range devices {
			if d.GetVirtualDevice().ControllerKey == controller.GetVirtualController().Key {
				used++
			}
		}
		if used < 15 {
			return controller
		}
	}
	return nil
}
