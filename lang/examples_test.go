package lang

const lenet5 = `// LeNet-5 for 28x28 grey digits
model lenet5 {
  input image: f32[1, 28, 28]  // per-sample shape; the batch dimension is implicit
  c1 = relu(conv2d(image, filters=6, kernel=5, pad=2))
  p1 = maxpool(c1, size=2)
  h1 = relu(dense(flatten(p1), 120))
  output logits = dense(h1, 10)
  output h1

  train {
    data = "mnist"
    loss = cross_entropy
    optimizer = adam(lr=0.001)
    epochs = 10
  }
  compile {
    quantize = int8(calibrate="mnist", samples=512)
    kernel = [3, 3]
  }
}
`
