// Command gophercloud drives Hangar's Glance API with gophercloud, the OpenStack SDK under Terraform's openstack
// provider and Packer, one operation per run, and prints what it got as JSON (lib/glance/gophercloud.test.ts).
// gophercloud checks every status code exactly: a run fails on any answer but the one Glance gives.
//
// Authentication: with OS_AUTH_URL set, through Identity v3 as Terraform and Packer do (the standard OS_*
// variables, openstack.AuthOptionsFromEnv); otherwise a Hangar token as the provider's token, on the
// unversioned root (-endpoint), to which the image client appends v2/ as it does to a catalog's endpoint.
//
// Built offline against Debian's golang-github-gophercloud-gophercloud-dev (GO111MODULE=off,
// GOPATH=/usr/share/gocode).
package main

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"hash"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud"
	"github.com/gophercloud/gophercloud/openstack"
	"github.com/gophercloud/gophercloud/openstack/imageservice/v2/imagedata"
	"github.com/gophercloud/gophercloud/openstack/imageservice/v2/imageimport"
	"github.com/gophercloud/gophercloud/openstack/imageservice/v2/images"
	"github.com/gophercloud/gophercloud/openstack/imageservice/v2/members"
	"github.com/gophercloud/gophercloud/pagination"
)

// provider is the authenticated provider client: Identity v3 when OS_AUTH_URL is set, else the token on the root.
func provider(endpoint, token string) (*gophercloud.ProviderClient, error) {
	if os.Getenv("OS_AUTH_URL") != "" {
		options, err := openstack.AuthOptionsFromEnv()
		if err != nil {
			return nil, err
		}
		return openstack.AuthenticatedClient(options)
	}
	client, err := openstack.NewClient(endpoint)
	if err != nil {
		return nil, err
	}
	client.SetToken(token)
	// What a catalog would say of the image service: the unversioned root.
	client.EndpointLocator = func(gophercloud.EndpointOpts) (string, error) { return gophercloud.NormalizeURL(endpoint), nil }
	return client, nil
}

func main() {
	endpoint := flag.String("endpoint", "", "the Glance API's unversioned root, as an Identity catalog lists it")
	token := flag.String("token", os.Getenv("HANGAR_TOKEN"), "a Hangar API token (default $HANGAR_TOKEN)")
	limit := flag.Int("limit", 0, "list: the page size")
	sortKey := flag.String("sort-key", "", "list: sort_key")
	sortDir := flag.String("sort-dir", "", "list: sort_dir")
	sort := flag.String("sort", "", "list: sort (key:dir,...)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: gophercloud -endpoint URL [-token T] list|create|upload|stage|import-info|import|wait|show|download|property|min-ram|unset|tags|tag|untag|delete|member-add|member-list|member-show|member-status|member-delete ...")
	}
	flag.Parse()
	authenticated, err := provider(*endpoint, *token)
	if err != nil {
		fail(err)
	}
	client, err := openstack.NewImageServiceV2(authenticated, gophercloud.EndpointOpts{})
	if err != nil {
		fail(err)
	}
	args := flag.Args()
	if len(args) == 0 {
		flag.Usage()
		os.Exit(2)
	}
	operation, rest := args[0], args[1:]
	switch operation {
	case "list":
		out(list(client, images.ListOpts{Limit: *limit, SortKey: *sortKey, SortDir: *sortDir, Sort: *sort}))
	case "create":
		// create NAME DISK_FORMAT [key=value...]
		need(rest, 2)
		outImage(images.Create(client, images.CreateOpts{Name: rest[0], DiskFormat: rest[1], ContainerFormat: "bare", Properties: pairs(rest[2:])}).Extract())
	case "upload":
		// upload ID FILE: chunked, as gophercloud sends a file
		need(rest, 2)
		out(map[string]bool{"uploaded": true}, withFile(rest[1], func(data io.Reader) error { return imagedata.Upload(client, rest[0], data).ExtractErr() }))
	case "stage":
		// stage ID FILE: glance-direct's first half, the bytes put aside for an import
		need(rest, 2)
		out(map[string]bool{"staged": true}, withFile(rest[1], func(data io.Reader) error { return imagedata.Stage(client, rest[0], data).ExtractErr() }))
	case "import-info":
		out(imageimport.Get(client).Extract())
	case "import":
		// import ID glance-direct|web-download [URI]: 202, then the image service imports in the background
		need(rest, 2)
		options := imageimport.CreateOpts{Name: imageimport.ImportMethod(rest[1])}
		if len(rest) > 2 {
			options.URI = rest[2]
		}
		out(map[string]bool{"importing": true}, imageimport.Create(client, rest[0], options).ExtractErr())
	case "member-add":
		// member-add ID PROJECT: shares the image with the project (200, pending)
		need(rest, 2)
		out(members.Create(client, rest[0], rest[1]).Extract())
	case "member-list":
		need(rest, 1)
		out(memberList(client, rest[0]))
	case "member-show":
		need(rest, 2)
		out(members.Get(client, rest[0], rest[1]).Extract())
	case "member-status":
		// member-status ID PROJECT accepted|rejected|pending: the member project's answer
		need(rest, 3)
		out(members.Update(client, rest[0], rest[1], members.UpdateOpts{Status: rest[2]}).Extract())
	case "member-delete":
		need(rest, 2)
		out(map[string]bool{"deleted": true}, members.Delete(client, rest[0], rest[1]).ExtractErr())
	case "wait":
		// wait ID: until the image leaves queued, importing and saving, as Terraform's provider waits for active
		need(rest, 1)
		outImage(wait(client, rest[0]))
	case "show":
		need(rest, 1)
		outImage(images.Get(client, rest[0]).Extract())
	case "download":
		// download ID FILE: the bytes, checked against the image's os_hash_value and checksum
		need(rest, 2)
		out(download(client, rest[0], rest[1]))
	case "property":
		// property ID key=value...: add (an upsert in Glance) each
		need(rest, 2)
		var patch images.UpdateOpts
		for key, value := range pairs(rest[1:]) {
			patch = append(patch, images.UpdateImageProperty{Op: images.AddOp, Name: key, Value: value})
		}
		outImage(images.Update(client, rest[0], patch).Extract())
	case "min-ram":
		// min-ram ID MiB: a core field, an integer (a property's add would send a string)
		need(rest, 2)
		mib, err := strconv.Atoi(rest[1])
		if err != nil {
			fail(err)
		}
		outImage(images.Update(client, rest[0], images.UpdateOpts{images.ReplaceImageMinRam{NewMinRam: mib}}).Extract())
	case "unset":
		// unset ID key...
		need(rest, 2)
		var patch images.UpdateOpts
		for _, key := range rest[1:] {
			patch = append(patch, images.UpdateImageProperty{Op: images.RemoveOp, Name: key})
		}
		outImage(images.Update(client, rest[0], patch).Extract())
	case "tags":
		// tags ID [tag...]: replaces them all, as Terraform's provider does
		need(rest, 1)
		outImage(images.Update(client, rest[0], images.UpdateOpts{images.ReplaceImageTags{NewTags: append([]string{}, rest[1:]...)}}).Extract())
	case "tag", "untag":
		// tag|untag ID TAG: Glance's tag resource; gophercloud's image package has no call for it, its client does
		need(rest, 2)
		url := client.ServiceURL("images", rest[0], "tags", rest[1])
		var err error
		if operation == "tag" {
			_, err = client.Put(url, nil, nil, &gophercloud.RequestOpts{OkCodes: []int{204}})
		} else {
			_, err = client.Delete(url, &gophercloud.RequestOpts{OkCodes: []int{204}})
		}
		out(map[string]bool{operation + "ged": true}, err)
	case "delete":
		need(rest, 1)
		out(map[string]bool{"deleted": true}, images.Delete(client, rest[0]).ExtractErr())
	default:
		flag.Usage()
		os.Exit(2)
	}
}

// list follows the pager's next links to the end and returns the ids, in order, and how many pages there were.
func list(client *gophercloud.ServiceClient, options images.ListOpts) (map[string]interface{}, error) {
	ids := []string{}
	pages := 0
	err := images.List(client, options).EachPage(func(page pagination.Page) (bool, error) {
		pages++
		found, err := images.ExtractImages(page)
		for _, image := range found {
			ids = append(ids, image.ID)
		}
		return true, err
	})
	return map[string]interface{}{"ids": ids, "pages": pages}, err
}

// onItsWay are the statuses of an image whose data is still coming (gophercloud has no constant for importing).
var onItsWay = map[images.ImageStatus]bool{images.ImageStatusQueued: true, images.ImageStatusSaving: true, "importing": true}

func wait(client *gophercloud.ServiceClient, id string) (*images.Image, error) {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		image, err := images.Get(client, id).Extract()
		if err != nil || !onItsWay[image.Status] || time.Now().After(deadline) {
			return image, err
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// withFile sends the file's bytes with send (an upload or a stage), and closes it.
func withFile(name string, send func(io.Reader) error) error {
	file, err := os.Open(name)
	if err != nil {
		return err
	}
	defer file.Close()
	return send(file)
}

// memberList reads every page of the image's members.
func memberList(client *gophercloud.ServiceClient, id string) ([]members.Member, error) {
	pages, err := members.List(client, id).AllPages()
	if err != nil {
		return nil, err
	}
	return members.ExtractMembers(pages)
}

func download(client *gophercloud.ServiceClient, id, file string) (map[string]string, error) {
	image, err := images.Get(client, id).Extract()
	if err != nil {
		return nil, err
	}
	algorithms := map[string]func() hash.Hash{"sha256": sha256.New, "sha512": sha512.New}
	algorithm, _ := image.Properties["os_hash_algo"].(string)
	expected, _ := image.Properties["os_hash_value"].(string)
	newHash, known := algorithms[algorithm]
	if !known {
		return nil, fmt.Errorf("the image names os_hash_algo %q", algorithm)
	}
	body, err := imagedata.Download(client, id).Extract()
	if err != nil {
		return nil, err
	}
	written, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	defer written.Close()
	named, checksum := newHash(), md5.New()
	if _, err := io.Copy(io.MultiWriter(written, named, checksum), body); err != nil {
		return nil, err
	}
	got := map[string]string{"os_hash_value": hex.EncodeToString(named.Sum(nil)), "checksum": hex.EncodeToString(checksum.Sum(nil))}
	if got["os_hash_value"] != expected || got["checksum"] != image.Checksum {
		return got, fmt.Errorf("the download does not match the image: %s %s and checksum %s, got %v", algorithm, expected, image.Checksum, got)
	}
	return got, nil
}

func pairs(args []string) map[string]string {
	result := map[string]string{}
	for _, arg := range args {
		key, value, found := strings.Cut(arg, "=")
		if !found {
			fail(fmt.Errorf("%q is not key=value", arg))
		}
		result[key] = value
	}
	return result
}

func need(args []string, count int) {
	if len(args) < count {
		flag.Usage()
		os.Exit(2)
	}
}

func out(value interface{}, err error) {
	if err != nil {
		fail(err)
	}
	if err := json.NewEncoder(os.Stdout).Encode(value); err != nil {
		fail(err)
	}
}

// outImage prints the image as gophercloud understood it: its fields, the size it parsed, the import methods it read
// from the header, and the properties it left over, flat as Glance sends them.
func outImage(image *images.Image, err error) {
	if err != nil {
		fail(err)
	}
	fields, err := json.Marshal(image)
	if err != nil {
		fail(err)
	}
	flat := map[string]interface{}{}
	if err := json.Unmarshal(fields, &flat); err != nil {
		fail(err)
	}
	delete(flat, "Properties")
	for key, value := range image.Properties {
		flat[key] = value
	}
	flat["size"] = image.SizeBytes
	flat["import_methods"] = image.OpenStackImageImportMethods
	out(flat, nil)
}

// fail prints the error, and the HTTP status gophercloud refused when there was one.
func fail(err error) {
	if coded, ok := err.(gophercloud.StatusCodeError); ok {
		fmt.Fprintf(os.Stderr, "gophercloud: status %d: %v\n", coded.GetStatusCode(), err)
		os.Exit(1)
	}
	fmt.Fprintln(os.Stderr, "gophercloud:", err)
	os.Exit(1)
}
