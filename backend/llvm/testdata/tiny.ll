; kiln model tiny, compiled from its int8 graph.
; Entry points: kiln_tiny_run (int8 in and out), kiln_tiny_run_f32 (float in and out), kiln_tiny_arena_size.
; Dot products: the generic form.
; Arena: 128 bytes per example.

; h.weight.q = param  tiny.kiln:4:13 as rows of 16, zero past its 6 inputs
@h.weight.q.packed = private unnamed_addr constant [128 x i8] c"\CC\BD\EC\81L\BB\00\00\00\00\00\00\00\00\00\00\7F\96W\DCL\12\00\00\00\00\00\00\00\00\00\00\81\C5\CC\A9[\D1\00\00\00\00\00\00\00\00\00\00\AF\1E\8F\AF\7F\E4\00\00\00\00\00\00\00\00\00\00\EE\F7A4\F0\7F\00\00\00\00\00\00\00\00\00\00\8E\F9\7F]C\17\00\00\00\00\00\00\00\00\00\00\CB\84\CC\F0\BC\7F\00\00\00\00\00\00\00\00\00\00f\E0\CE\81 \93\00\00\00\00\00\00\00\00\00\00", align 64
; bias of h.q, plus its input offset -3 times the weights' row sums
@h.q.bias = private unnamed_addr constant [8 x i32] [i32 4823, i32 1326, i32 -2502, i32 3653, i32 -1013, i32 -4674, i32 -5028, i32 -3359], align 64
; per-unit multipliers of h.q
@h.q.mult = private unnamed_addr constant [8 x i32] [i32 1332712454, i32 1447568384, i32 1392929769, i32 1223045875, i32 1395462633, i32 1467298014, i32 1535183406, i32 1428068386], align 64
; per-unit shifts of h.q
@h.q.shift = private unnamed_addr constant [8 x i32] [i32 -6, i32 -6, i32 -6, i32 -6, i32 -6, i32 -6, i32 -7, i32 -6], align 64
; y.weight.q = param  tiny.kiln:5:14 as rows of 16, zero past its 8 inputs
@y.weight.q.packed = private unnamed_addr constant [64 x i8] c"Wq\AF\A8\7F\CA\02\F6\00\00\00\00\00\00\00\00\7F\B0\F2\9C!\E5\91\1F\00\00\00\00\00\00\00\00\81\DE\1Aw\AD]Fh\00\00\00\00\00\00\00\00\121\C4\07F\F2y\81\00\00\00\00\00\00\00\00", align 64
; bias of y.q, plus its input offset 128 times the weights' row sums
@y.q.bias = private unnamed_addr constant [4 x i32] [i32 23657, i32 -10685, i32 27327, i32 4479], align 64
; per-unit multipliers of y.q
@y.q.mult = private unnamed_addr constant [4 x i32] [i32 2094130894, i32 2063558269, i32 1105992514, i32 2065668172], align 64
; per-unit shifts of y.q
@y.q.shift = private unnamed_addr constant [4 x i32] [i32 -8, i32 -8, i32 -7, i32 -8], align 64

declare void @llvm.memcpy.p0i8.p0i8.i64(i8* %dst, i8* %src, i64 %len, i1 %volatile)

declare i32 @llvm.vector.reduce.add.v16i32(<16 x i32> %0)

define internal i32 @kiln_requant(i32 %x, i32 %m, i32 %shift) nounwind {
entry:
	%0 = icmp sgt i32 %shift, 0
	%1 = select i1 %0, i32 %shift, i32 0
	%2 = sub i32 0, %shift
	%3 = select i1 %0, i32 0, i32 %2
	%4 = shl i32 %x, %1
	%5 = icmp eq i32 %4, -2147483648
	%6 = icmp eq i32 %m, -2147483648
	%7 = and i1 %5, %6
	%8 = sext i32 %4 to i64
	%9 = sext i32 %m to i64
	%10 = mul i64 %8, %9
	%11 = icmp sge i64 %10, 0
	%12 = select i1 %11, i64 u0x40000000, i64 -1073741823
	%13 = add i64 %10, %12
	%14 = sdiv i64 %13, u0x80000000
	%15 = trunc i64 %14 to i32
	%16 = select i1 %7, i32 u0x7FFFFFFF, i32 %15
	%17 = shl i32 1, %3
	%18 = sub i32 %17, 1
	%19 = and i32 %16, %18
	%20 = ashr i32 %18, 1
	%21 = icmp slt i32 %16, 0
	%22 = zext i1 %21 to i32
	%23 = add i32 %20, %22
	%24 = icmp sgt i32 %19, %23
	%25 = zext i1 %24 to i32
	%26 = ashr i32 %16, %3
	%27 = add i32 %26, %25
	ret i32 %27
}

define internal void @kiln_qdense(i8* %x, i8* %w, i32* %bias, i32* %mult, i32* %shift, i8* %out, i64 %rows, i64 %in, i64 %units, i64 %ors, i64 %ous, i32 %out_off, i32 %lo, i32 %hi) nounwind {
entry:
	%0 = sdiv i64 %in, 16
	%1 = mul i64 %0, 16
	%2 = sub i64 %in, %1
	%3 = icmp sgt i64 %2, 0
	%4 = zext i1 %3 to i64
	%5 = add i64 %0, %4
	%6 = mul i64 %5, 16
	%7 = alloca <16 x i8>, align 64
	%8 = alloca <16 x i8>, align 64
	%9 = sdiv i64 %units, 4
	br label %block

block:
	%block.i = phi i64 [ 0, %entry ], [ %380, %row.end ]
	%10 = icmp slt i64 %block.i, %9
	br i1 %10, label %block.body, label %block.end

block.body:
	%11 = mul i64 %block.i, 4
	%12 = getelementptr i32, i32* %bias, i64 %11
	%13 = bitcast i32* %12 to <4 x i32>*
	%14 = load <4 x i32>, <4 x i32>* %13, align 4
	%15 = getelementptr i32, i32* %mult, i64 %11
	%16 = bitcast i32* %15 to <4 x i32>*
	%17 = load <4 x i32>, <4 x i32>* %16, align 4
	%18 = getelementptr i32, i32* %shift, i64 %11
	%19 = bitcast i32* %18 to <4 x i32>*
	%20 = load <4 x i32>, <4 x i32>* %19, align 4
	%21 = insertelement <4 x i32> undef, i32 %out_off, i32 0
	%22 = shufflevector <4 x i32> %21, <4 x i32> undef, <4 x i32> zeroinitializer
	%23 = insertelement <4 x i32> undef, i32 %lo, i32 0
	%24 = shufflevector <4 x i32> %23, <4 x i32> undef, <4 x i32> zeroinitializer
	%25 = insertelement <4 x i32> undef, i32 %hi, i32 0
	%26 = shufflevector <4 x i32> %25, <4 x i32> undef, <4 x i32> zeroinitializer
	%27 = sdiv i64 %rows, 2
	br label %rows2

block.end:
	%28 = mul i64 %9, 4
	%29 = sub i64 %units, %28
	br label %unit

rows2:
	%rows2.i = phi i64 [ 0, %block.body ], [ %362, %dot8.tail.end ]
	%30 = icmp slt i64 %rows2.i, %27
	br i1 %30, label %rows2.body, label %rows2.end

rows2.body:
	%31 = mul i64 %rows2.i, 2
	%32 = add i64 %31, 1
	%33 = mul i64 %31, %in
	%34 = getelementptr i8, i8* %x, i64 %33
	%35 = mul i64 %32, %in
	%36 = getelementptr i8, i8* %x, i64 %35
	%37 = add i64 %11, 0
	%38 = mul i64 %37, %6
	%39 = getelementptr i8, i8* %w, i64 %38
	%40 = add i64 %11, 1
	%41 = mul i64 %40, %6
	%42 = getelementptr i8, i8* %w, i64 %41
	%43 = add i64 %11, 2
	%44 = mul i64 %43, %6
	%45 = getelementptr i8, i8* %w, i64 %44
	%46 = add i64 %11, 3
	%47 = mul i64 %46, %6
	%48 = getelementptr i8, i8* %w, i64 %47
	br label %dot8.vec

rows2.end:
	%49 = mul i64 %27, 2
	%50 = sub i64 %rows, %49
	br label %row

dot8.vec:
	%dot8.vec.i = phi i64 [ 0, %rows2.body ], [ %113, %dot8.vec.body ]
	%51 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %75, %dot8.vec.body ]
	%52 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %86, %dot8.vec.body ]
	%53 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %97, %dot8.vec.body ]
	%54 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %108, %dot8.vec.body ]
	%55 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %79, %dot8.vec.body ]
	%56 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %90, %dot8.vec.body ]
	%57 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %101, %dot8.vec.body ]
	%58 = phi <16 x i32> [ zeroinitializer, %rows2.body ], [ %112, %dot8.vec.body ]
	%59 = icmp slt i64 %dot8.vec.i, %0
	br i1 %59, label %dot8.vec.body, label %dot8.vec.end

dot8.vec.body:
	%60 = mul i64 %dot8.vec.i, 16
	%61 = getelementptr i8, i8* %34, i64 %60
	%62 = bitcast i8* %61 to <16 x i8>*
	%63 = load <16 x i8>, <16 x i8>* %62, align 1
	%64 = sext <16 x i8> %63 to <16 x i16>
	%65 = getelementptr i8, i8* %36, i64 %60
	%66 = bitcast i8* %65 to <16 x i8>*
	%67 = load <16 x i8>, <16 x i8>* %66, align 1
	%68 = sext <16 x i8> %67 to <16 x i16>
	%69 = getelementptr i8, i8* %39, i64 %60
	%70 = bitcast i8* %69 to <16 x i8>*
	%71 = load <16 x i8>, <16 x i8>* %70, align 1
	%72 = sext <16 x i8> %71 to <16 x i16>
	%73 = mul <16 x i16> %64, %72
	%74 = sext <16 x i16> %73 to <16 x i32>
	%75 = add <16 x i32> %51, %74
	%76 = sext <16 x i8> %71 to <16 x i16>
	%77 = mul <16 x i16> %68, %76
	%78 = sext <16 x i16> %77 to <16 x i32>
	%79 = add <16 x i32> %55, %78
	%80 = getelementptr i8, i8* %42, i64 %60
	%81 = bitcast i8* %80 to <16 x i8>*
	%82 = load <16 x i8>, <16 x i8>* %81, align 1
	%83 = sext <16 x i8> %82 to <16 x i16>
	%84 = mul <16 x i16> %64, %83
	%85 = sext <16 x i16> %84 to <16 x i32>
	%86 = add <16 x i32> %52, %85
	%87 = sext <16 x i8> %82 to <16 x i16>
	%88 = mul <16 x i16> %68, %87
	%89 = sext <16 x i16> %88 to <16 x i32>
	%90 = add <16 x i32> %56, %89
	%91 = getelementptr i8, i8* %45, i64 %60
	%92 = bitcast i8* %91 to <16 x i8>*
	%93 = load <16 x i8>, <16 x i8>* %92, align 1
	%94 = sext <16 x i8> %93 to <16 x i16>
	%95 = mul <16 x i16> %64, %94
	%96 = sext <16 x i16> %95 to <16 x i32>
	%97 = add <16 x i32> %53, %96
	%98 = sext <16 x i8> %93 to <16 x i16>
	%99 = mul <16 x i16> %68, %98
	%100 = sext <16 x i16> %99 to <16 x i32>
	%101 = add <16 x i32> %57, %100
	%102 = getelementptr i8, i8* %48, i64 %60
	%103 = bitcast i8* %102 to <16 x i8>*
	%104 = load <16 x i8>, <16 x i8>* %103, align 1
	%105 = sext <16 x i8> %104 to <16 x i16>
	%106 = mul <16 x i16> %64, %105
	%107 = sext <16 x i16> %106 to <16 x i32>
	%108 = add <16 x i32> %54, %107
	%109 = sext <16 x i8> %104 to <16 x i16>
	%110 = mul <16 x i16> %68, %109
	%111 = sext <16 x i16> %110 to <16 x i32>
	%112 = add <16 x i32> %58, %111
	%113 = add i64 %dot8.vec.i, 1
	br label %dot8.vec

dot8.vec.end:
	%114 = icmp sgt i64 %2, 0
	%115 = zext i1 %114 to i64
	br label %dot8.tail

dot8.tail:
	%dot8.tail.i = phi i64 [ 0, %dot8.vec.end ], [ %177, %dot8.tail.body ]
	%116 = phi <16 x i32> [ %51, %dot8.vec.end ], [ %139, %dot8.tail.body ]
	%117 = phi <16 x i32> [ %52, %dot8.vec.end ], [ %150, %dot8.tail.body ]
	%118 = phi <16 x i32> [ %53, %dot8.vec.end ], [ %161, %dot8.tail.body ]
	%119 = phi <16 x i32> [ %54, %dot8.vec.end ], [ %172, %dot8.tail.body ]
	%120 = phi <16 x i32> [ %55, %dot8.vec.end ], [ %143, %dot8.tail.body ]
	%121 = phi <16 x i32> [ %56, %dot8.vec.end ], [ %154, %dot8.tail.body ]
	%122 = phi <16 x i32> [ %57, %dot8.vec.end ], [ %165, %dot8.tail.body ]
	%123 = phi <16 x i32> [ %58, %dot8.vec.end ], [ %176, %dot8.tail.body ]
	%124 = icmp slt i64 %dot8.tail.i, %115
	br i1 %124, label %dot8.tail.body, label %dot8.tail.end

dot8.tail.body:
	%125 = bitcast <16 x i8>* %7 to i8*
	store <16 x i8> zeroinitializer, <16 x i8>* %7
	%126 = getelementptr i8, i8* %34, i64 %1
	call void @llvm.memcpy.p0i8.p0i8.i64(i8* %125, i8* %126, i64 %2, i1 false)
	%127 = load <16 x i8>, <16 x i8>* %7, align 64
	%128 = sext <16 x i8> %127 to <16 x i16>
	%129 = bitcast <16 x i8>* %8 to i8*
	store <16 x i8> zeroinitializer, <16 x i8>* %8
	%130 = getelementptr i8, i8* %36, i64 %1
	call void @llvm.memcpy.p0i8.p0i8.i64(i8* %129, i8* %130, i64 %2, i1 false)
	%131 = load <16 x i8>, <16 x i8>* %8, align 64
	%132 = sext <16 x i8> %131 to <16 x i16>
	%133 = getelementptr i8, i8* %39, i64 %1
	%134 = bitcast i8* %133 to <16 x i8>*
	%135 = load <16 x i8>, <16 x i8>* %134, align 1
	%136 = sext <16 x i8> %135 to <16 x i16>
	%137 = mul <16 x i16> %128, %136
	%138 = sext <16 x i16> %137 to <16 x i32>
	%139 = add <16 x i32> %116, %138
	%140 = sext <16 x i8> %135 to <16 x i16>
	%141 = mul <16 x i16> %132, %140
	%142 = sext <16 x i16> %141 to <16 x i32>
	%143 = add <16 x i32> %120, %142
	%144 = getelementptr i8, i8* %42, i64 %1
	%145 = bitcast i8* %144 to <16 x i8>*
	%146 = load <16 x i8>, <16 x i8>* %145, align 1
	%147 = sext <16 x i8> %146 to <16 x i16>
	%148 = mul <16 x i16> %128, %147
	%149 = sext <16 x i16> %148 to <16 x i32>
	%150 = add <16 x i32> %117, %149
	%151 = sext <16 x i8> %146 to <16 x i16>
	%152 = mul <16 x i16> %132, %151
	%153 = sext <16 x i16> %152 to <16 x i32>
	%154 = add <16 x i32> %121, %153
	%155 = getelementptr i8, i8* %45, i64 %1
	%156 = bitcast i8* %155 to <16 x i8>*
	%157 = load <16 x i8>, <16 x i8>* %156, align 1
	%158 = sext <16 x i8> %157 to <16 x i16>
	%159 = mul <16 x i16> %128, %158
	%160 = sext <16 x i16> %159 to <16 x i32>
	%161 = add <16 x i32> %118, %160
	%162 = sext <16 x i8> %157 to <16 x i16>
	%163 = mul <16 x i16> %132, %162
	%164 = sext <16 x i16> %163 to <16 x i32>
	%165 = add <16 x i32> %122, %164
	%166 = getelementptr i8, i8* %48, i64 %1
	%167 = bitcast i8* %166 to <16 x i8>*
	%168 = load <16 x i8>, <16 x i8>* %167, align 1
	%169 = sext <16 x i8> %168 to <16 x i16>
	%170 = mul <16 x i16> %128, %169
	%171 = sext <16 x i16> %170 to <16 x i32>
	%172 = add <16 x i32> %119, %171
	%173 = sext <16 x i8> %168 to <16 x i16>
	%174 = mul <16 x i16> %132, %173
	%175 = sext <16 x i16> %174 to <16 x i32>
	%176 = add <16 x i32> %123, %175
	%177 = add i64 %dot8.tail.i, 1
	br label %dot8.tail

dot8.tail.end:
	%178 = shufflevector <16 x i32> %116, <16 x i32> %116, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%179 = shufflevector <16 x i32> %116, <16 x i32> %116, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%180 = add <8 x i32> %178, %179
	%181 = shufflevector <8 x i32> %180, <8 x i32> %180, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%182 = shufflevector <8 x i32> %180, <8 x i32> %180, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%183 = add <4 x i32> %181, %182
	%184 = shufflevector <16 x i32> %117, <16 x i32> %117, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%185 = shufflevector <16 x i32> %117, <16 x i32> %117, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%186 = add <8 x i32> %184, %185
	%187 = shufflevector <8 x i32> %186, <8 x i32> %186, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%188 = shufflevector <8 x i32> %186, <8 x i32> %186, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%189 = add <4 x i32> %187, %188
	%190 = shufflevector <16 x i32> %118, <16 x i32> %118, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%191 = shufflevector <16 x i32> %118, <16 x i32> %118, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%192 = add <8 x i32> %190, %191
	%193 = shufflevector <8 x i32> %192, <8 x i32> %192, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%194 = shufflevector <8 x i32> %192, <8 x i32> %192, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%195 = add <4 x i32> %193, %194
	%196 = shufflevector <16 x i32> %119, <16 x i32> %119, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%197 = shufflevector <16 x i32> %119, <16 x i32> %119, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%198 = add <8 x i32> %196, %197
	%199 = shufflevector <8 x i32> %198, <8 x i32> %198, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%200 = shufflevector <8 x i32> %198, <8 x i32> %198, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%201 = add <4 x i32> %199, %200
	%202 = shufflevector <4 x i32> %183, <4 x i32> %189, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%203 = shufflevector <4 x i32> %183, <4 x i32> %189, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%204 = add <4 x i32> %202, %203
	%205 = shufflevector <4 x i32> %195, <4 x i32> %201, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%206 = shufflevector <4 x i32> %195, <4 x i32> %201, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%207 = add <4 x i32> %205, %206
	%208 = shufflevector <4 x i32> %204, <4 x i32> %207, <4 x i32> <i32 0, i32 1, i32 4, i32 5>
	%209 = shufflevector <4 x i32> %204, <4 x i32> %207, <4 x i32> <i32 2, i32 3, i32 6, i32 7>
	%210 = add <4 x i32> %208, %209
	%211 = add <4 x i32> %210, %14
	%212 = icmp sgt <4 x i32> %20, <i32 0, i32 0, i32 0, i32 0>
	%213 = select <4 x i1> %212, <4 x i32> %20, <4 x i32> <i32 0, i32 0, i32 0, i32 0>
	%214 = sub <4 x i32> <i32 0, i32 0, i32 0, i32 0>, %20
	%215 = select <4 x i1> %212, <4 x i32> <i32 0, i32 0, i32 0, i32 0>, <4 x i32> %214
	%216 = shl <4 x i32> %211, %213
	%217 = icmp eq <4 x i32> %216, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%218 = icmp eq <4 x i32> %17, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%219 = and <4 x i1> %217, %218
	%220 = sext <4 x i32> %216 to <4 x i64>
	%221 = sext <4 x i32> %17 to <4 x i64>
	%222 = mul <4 x i64> %220, %221
	%223 = icmp sge <4 x i64> %222, <i64 0, i64 0, i64 0, i64 0>
	%224 = select <4 x i1> %223, <4 x i64> <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>, <4 x i64> <i64 -1073741823, i64 -1073741823, i64 -1073741823, i64 -1073741823>
	%225 = add <4 x i64> %222, %224
	%226 = sdiv <4 x i64> %225, <i64 u0x80000000, i64 u0x80000000, i64 u0x80000000, i64 u0x80000000>
	%227 = trunc <4 x i64> %226 to <4 x i32>
	%228 = select <4 x i1> %219, <4 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <4 x i32> %227
	%229 = shl <4 x i32> <i32 1, i32 1, i32 1, i32 1>, %215
	%230 = sub <4 x i32> %229, <i32 1, i32 1, i32 1, i32 1>
	%231 = and <4 x i32> %228, %230
	%232 = ashr <4 x i32> %230, <i32 1, i32 1, i32 1, i32 1>
	%233 = icmp slt <4 x i32> %228, <i32 0, i32 0, i32 0, i32 0>
	%234 = zext <4 x i1> %233 to <4 x i32>
	%235 = add <4 x i32> %232, %234
	%236 = icmp sgt <4 x i32> %231, %235
	%237 = zext <4 x i1> %236 to <4 x i32>
	%238 = ashr <4 x i32> %228, %215
	%239 = add <4 x i32> %238, %237
	%240 = add <4 x i32> %239, %22
	%241 = icmp slt <4 x i32> %240, %24
	%242 = icmp sgt <4 x i32> %240, %26
	%243 = select <4 x i1> %242, <4 x i32> %26, <4 x i32> %240
	%244 = select <4 x i1> %241, <4 x i32> %24, <4 x i32> %243
	%245 = trunc <4 x i32> %244 to <4 x i8>
	%246 = mul i64 %31, %ors
	%247 = add i64 %11, 0
	%248 = mul i64 %247, %ous
	%249 = add i64 %246, %248
	%250 = extractelement <4 x i8> %245, i32 0
	%251 = getelementptr i8, i8* %out, i64 %249
	store i8 %250, i8* %251
	%252 = mul i64 %31, %ors
	%253 = add i64 %11, 1
	%254 = mul i64 %253, %ous
	%255 = add i64 %252, %254
	%256 = extractelement <4 x i8> %245, i32 1
	%257 = getelementptr i8, i8* %out, i64 %255
	store i8 %256, i8* %257
	%258 = mul i64 %31, %ors
	%259 = add i64 %11, 2
	%260 = mul i64 %259, %ous
	%261 = add i64 %258, %260
	%262 = extractelement <4 x i8> %245, i32 2
	%263 = getelementptr i8, i8* %out, i64 %261
	store i8 %262, i8* %263
	%264 = mul i64 %31, %ors
	%265 = add i64 %11, 3
	%266 = mul i64 %265, %ous
	%267 = add i64 %264, %266
	%268 = extractelement <4 x i8> %245, i32 3
	%269 = getelementptr i8, i8* %out, i64 %267
	store i8 %268, i8* %269
	%270 = shufflevector <16 x i32> %120, <16 x i32> %120, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%271 = shufflevector <16 x i32> %120, <16 x i32> %120, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%272 = add <8 x i32> %270, %271
	%273 = shufflevector <8 x i32> %272, <8 x i32> %272, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%274 = shufflevector <8 x i32> %272, <8 x i32> %272, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%275 = add <4 x i32> %273, %274
	%276 = shufflevector <16 x i32> %121, <16 x i32> %121, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%277 = shufflevector <16 x i32> %121, <16 x i32> %121, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%278 = add <8 x i32> %276, %277
	%279 = shufflevector <8 x i32> %278, <8 x i32> %278, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%280 = shufflevector <8 x i32> %278, <8 x i32> %278, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%281 = add <4 x i32> %279, %280
	%282 = shufflevector <16 x i32> %122, <16 x i32> %122, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%283 = shufflevector <16 x i32> %122, <16 x i32> %122, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%284 = add <8 x i32> %282, %283
	%285 = shufflevector <8 x i32> %284, <8 x i32> %284, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%286 = shufflevector <8 x i32> %284, <8 x i32> %284, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%287 = add <4 x i32> %285, %286
	%288 = shufflevector <16 x i32> %123, <16 x i32> %123, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%289 = shufflevector <16 x i32> %123, <16 x i32> %123, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%290 = add <8 x i32> %288, %289
	%291 = shufflevector <8 x i32> %290, <8 x i32> %290, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%292 = shufflevector <8 x i32> %290, <8 x i32> %290, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%293 = add <4 x i32> %291, %292
	%294 = shufflevector <4 x i32> %275, <4 x i32> %281, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%295 = shufflevector <4 x i32> %275, <4 x i32> %281, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%296 = add <4 x i32> %294, %295
	%297 = shufflevector <4 x i32> %287, <4 x i32> %293, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%298 = shufflevector <4 x i32> %287, <4 x i32> %293, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%299 = add <4 x i32> %297, %298
	%300 = shufflevector <4 x i32> %296, <4 x i32> %299, <4 x i32> <i32 0, i32 1, i32 4, i32 5>
	%301 = shufflevector <4 x i32> %296, <4 x i32> %299, <4 x i32> <i32 2, i32 3, i32 6, i32 7>
	%302 = add <4 x i32> %300, %301
	%303 = add <4 x i32> %302, %14
	%304 = icmp sgt <4 x i32> %20, <i32 0, i32 0, i32 0, i32 0>
	%305 = select <4 x i1> %304, <4 x i32> %20, <4 x i32> <i32 0, i32 0, i32 0, i32 0>
	%306 = sub <4 x i32> <i32 0, i32 0, i32 0, i32 0>, %20
	%307 = select <4 x i1> %304, <4 x i32> <i32 0, i32 0, i32 0, i32 0>, <4 x i32> %306
	%308 = shl <4 x i32> %303, %305
	%309 = icmp eq <4 x i32> %308, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%310 = icmp eq <4 x i32> %17, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%311 = and <4 x i1> %309, %310
	%312 = sext <4 x i32> %308 to <4 x i64>
	%313 = sext <4 x i32> %17 to <4 x i64>
	%314 = mul <4 x i64> %312, %313
	%315 = icmp sge <4 x i64> %314, <i64 0, i64 0, i64 0, i64 0>
	%316 = select <4 x i1> %315, <4 x i64> <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>, <4 x i64> <i64 -1073741823, i64 -1073741823, i64 -1073741823, i64 -1073741823>
	%317 = add <4 x i64> %314, %316
	%318 = sdiv <4 x i64> %317, <i64 u0x80000000, i64 u0x80000000, i64 u0x80000000, i64 u0x80000000>
	%319 = trunc <4 x i64> %318 to <4 x i32>
	%320 = select <4 x i1> %311, <4 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <4 x i32> %319
	%321 = shl <4 x i32> <i32 1, i32 1, i32 1, i32 1>, %307
	%322 = sub <4 x i32> %321, <i32 1, i32 1, i32 1, i32 1>
	%323 = and <4 x i32> %320, %322
	%324 = ashr <4 x i32> %322, <i32 1, i32 1, i32 1, i32 1>
	%325 = icmp slt <4 x i32> %320, <i32 0, i32 0, i32 0, i32 0>
	%326 = zext <4 x i1> %325 to <4 x i32>
	%327 = add <4 x i32> %324, %326
	%328 = icmp sgt <4 x i32> %323, %327
	%329 = zext <4 x i1> %328 to <4 x i32>
	%330 = ashr <4 x i32> %320, %307
	%331 = add <4 x i32> %330, %329
	%332 = add <4 x i32> %331, %22
	%333 = icmp slt <4 x i32> %332, %24
	%334 = icmp sgt <4 x i32> %332, %26
	%335 = select <4 x i1> %334, <4 x i32> %26, <4 x i32> %332
	%336 = select <4 x i1> %333, <4 x i32> %24, <4 x i32> %335
	%337 = trunc <4 x i32> %336 to <4 x i8>
	%338 = mul i64 %32, %ors
	%339 = add i64 %11, 0
	%340 = mul i64 %339, %ous
	%341 = add i64 %338, %340
	%342 = extractelement <4 x i8> %337, i32 0
	%343 = getelementptr i8, i8* %out, i64 %341
	store i8 %342, i8* %343
	%344 = mul i64 %32, %ors
	%345 = add i64 %11, 1
	%346 = mul i64 %345, %ous
	%347 = add i64 %344, %346
	%348 = extractelement <4 x i8> %337, i32 1
	%349 = getelementptr i8, i8* %out, i64 %347
	store i8 %348, i8* %349
	%350 = mul i64 %32, %ors
	%351 = add i64 %11, 2
	%352 = mul i64 %351, %ous
	%353 = add i64 %350, %352
	%354 = extractelement <4 x i8> %337, i32 2
	%355 = getelementptr i8, i8* %out, i64 %353
	store i8 %354, i8* %355
	%356 = mul i64 %32, %ors
	%357 = add i64 %11, 3
	%358 = mul i64 %357, %ous
	%359 = add i64 %356, %358
	%360 = extractelement <4 x i8> %337, i32 3
	%361 = getelementptr i8, i8* %out, i64 %359
	store i8 %360, i8* %361
	%362 = add i64 %rows2.i, 1
	br label %rows2

row:
	%row.i = phi i64 [ 0, %rows2.end ], [ %552, %dot4.tail.end ]
	%363 = icmp slt i64 %row.i, %50
	br i1 %363, label %row.body, label %row.end

row.body:
	%364 = mul i64 %27, 2
	%365 = add i64 %364, %row.i
	%366 = mul i64 %365, %in
	%367 = getelementptr i8, i8* %x, i64 %366
	%368 = add i64 %11, 0
	%369 = mul i64 %368, %6
	%370 = getelementptr i8, i8* %w, i64 %369
	%371 = add i64 %11, 1
	%372 = mul i64 %371, %6
	%373 = getelementptr i8, i8* %w, i64 %372
	%374 = add i64 %11, 2
	%375 = mul i64 %374, %6
	%376 = getelementptr i8, i8* %w, i64 %375
	%377 = add i64 %11, 3
	%378 = mul i64 %377, %6
	%379 = getelementptr i8, i8* %w, i64 %378
	br label %dot4.vec

row.end:
	%380 = add i64 %block.i, 1
	br label %block

dot4.vec:
	%dot4.vec.i = phi i64 [ 0, %row.body ], [ %419, %dot4.vec.body ]
	%381 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %397, %dot4.vec.body ]
	%382 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %404, %dot4.vec.body ]
	%383 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %411, %dot4.vec.body ]
	%384 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %418, %dot4.vec.body ]
	%385 = icmp slt i64 %dot4.vec.i, %0
	br i1 %385, label %dot4.vec.body, label %dot4.vec.end

dot4.vec.body:
	%386 = mul i64 %dot4.vec.i, 16
	%387 = getelementptr i8, i8* %367, i64 %386
	%388 = bitcast i8* %387 to <16 x i8>*
	%389 = load <16 x i8>, <16 x i8>* %388, align 1
	%390 = sext <16 x i8> %389 to <16 x i16>
	%391 = getelementptr i8, i8* %370, i64 %386
	%392 = bitcast i8* %391 to <16 x i8>*
	%393 = load <16 x i8>, <16 x i8>* %392, align 1
	%394 = sext <16 x i8> %393 to <16 x i16>
	%395 = mul <16 x i16> %390, %394
	%396 = sext <16 x i16> %395 to <16 x i32>
	%397 = add <16 x i32> %381, %396
	%398 = getelementptr i8, i8* %373, i64 %386
	%399 = bitcast i8* %398 to <16 x i8>*
	%400 = load <16 x i8>, <16 x i8>* %399, align 1
	%401 = sext <16 x i8> %400 to <16 x i16>
	%402 = mul <16 x i16> %390, %401
	%403 = sext <16 x i16> %402 to <16 x i32>
	%404 = add <16 x i32> %382, %403
	%405 = getelementptr i8, i8* %376, i64 %386
	%406 = bitcast i8* %405 to <16 x i8>*
	%407 = load <16 x i8>, <16 x i8>* %406, align 1
	%408 = sext <16 x i8> %407 to <16 x i16>
	%409 = mul <16 x i16> %390, %408
	%410 = sext <16 x i16> %409 to <16 x i32>
	%411 = add <16 x i32> %383, %410
	%412 = getelementptr i8, i8* %379, i64 %386
	%413 = bitcast i8* %412 to <16 x i8>*
	%414 = load <16 x i8>, <16 x i8>* %413, align 1
	%415 = sext <16 x i8> %414 to <16 x i16>
	%416 = mul <16 x i16> %390, %415
	%417 = sext <16 x i16> %416 to <16 x i32>
	%418 = add <16 x i32> %384, %417
	%419 = add i64 %dot4.vec.i, 1
	br label %dot4.vec

dot4.vec.end:
	%420 = icmp sgt i64 %2, 0
	%421 = zext i1 %420 to i64
	br label %dot4.tail

dot4.tail:
	%dot4.tail.i = phi i64 [ 0, %dot4.vec.end ], [ %459, %dot4.tail.body ]
	%422 = phi <16 x i32> [ %381, %dot4.vec.end ], [ %437, %dot4.tail.body ]
	%423 = phi <16 x i32> [ %382, %dot4.vec.end ], [ %444, %dot4.tail.body ]
	%424 = phi <16 x i32> [ %383, %dot4.vec.end ], [ %451, %dot4.tail.body ]
	%425 = phi <16 x i32> [ %384, %dot4.vec.end ], [ %458, %dot4.tail.body ]
	%426 = icmp slt i64 %dot4.tail.i, %421
	br i1 %426, label %dot4.tail.body, label %dot4.tail.end

dot4.tail.body:
	%427 = bitcast <16 x i8>* %7 to i8*
	store <16 x i8> zeroinitializer, <16 x i8>* %7
	%428 = getelementptr i8, i8* %367, i64 %1
	call void @llvm.memcpy.p0i8.p0i8.i64(i8* %427, i8* %428, i64 %2, i1 false)
	%429 = load <16 x i8>, <16 x i8>* %7, align 64
	%430 = sext <16 x i8> %429 to <16 x i16>
	%431 = getelementptr i8, i8* %370, i64 %1
	%432 = bitcast i8* %431 to <16 x i8>*
	%433 = load <16 x i8>, <16 x i8>* %432, align 1
	%434 = sext <16 x i8> %433 to <16 x i16>
	%435 = mul <16 x i16> %430, %434
	%436 = sext <16 x i16> %435 to <16 x i32>
	%437 = add <16 x i32> %422, %436
	%438 = getelementptr i8, i8* %373, i64 %1
	%439 = bitcast i8* %438 to <16 x i8>*
	%440 = load <16 x i8>, <16 x i8>* %439, align 1
	%441 = sext <16 x i8> %440 to <16 x i16>
	%442 = mul <16 x i16> %430, %441
	%443 = sext <16 x i16> %442 to <16 x i32>
	%444 = add <16 x i32> %423, %443
	%445 = getelementptr i8, i8* %376, i64 %1
	%446 = bitcast i8* %445 to <16 x i8>*
	%447 = load <16 x i8>, <16 x i8>* %446, align 1
	%448 = sext <16 x i8> %447 to <16 x i16>
	%449 = mul <16 x i16> %430, %448
	%450 = sext <16 x i16> %449 to <16 x i32>
	%451 = add <16 x i32> %424, %450
	%452 = getelementptr i8, i8* %379, i64 %1
	%453 = bitcast i8* %452 to <16 x i8>*
	%454 = load <16 x i8>, <16 x i8>* %453, align 1
	%455 = sext <16 x i8> %454 to <16 x i16>
	%456 = mul <16 x i16> %430, %455
	%457 = sext <16 x i16> %456 to <16 x i32>
	%458 = add <16 x i32> %425, %457
	%459 = add i64 %dot4.tail.i, 1
	br label %dot4.tail

dot4.tail.end:
	%460 = shufflevector <16 x i32> %422, <16 x i32> %422, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%461 = shufflevector <16 x i32> %422, <16 x i32> %422, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%462 = add <8 x i32> %460, %461
	%463 = shufflevector <8 x i32> %462, <8 x i32> %462, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%464 = shufflevector <8 x i32> %462, <8 x i32> %462, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%465 = add <4 x i32> %463, %464
	%466 = shufflevector <16 x i32> %423, <16 x i32> %423, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%467 = shufflevector <16 x i32> %423, <16 x i32> %423, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%468 = add <8 x i32> %466, %467
	%469 = shufflevector <8 x i32> %468, <8 x i32> %468, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%470 = shufflevector <8 x i32> %468, <8 x i32> %468, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%471 = add <4 x i32> %469, %470
	%472 = shufflevector <16 x i32> %424, <16 x i32> %424, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%473 = shufflevector <16 x i32> %424, <16 x i32> %424, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%474 = add <8 x i32> %472, %473
	%475 = shufflevector <8 x i32> %474, <8 x i32> %474, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%476 = shufflevector <8 x i32> %474, <8 x i32> %474, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%477 = add <4 x i32> %475, %476
	%478 = shufflevector <16 x i32> %425, <16 x i32> %425, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
	%479 = shufflevector <16 x i32> %425, <16 x i32> %425, <8 x i32> <i32 8, i32 9, i32 10, i32 11, i32 12, i32 13, i32 14, i32 15>
	%480 = add <8 x i32> %478, %479
	%481 = shufflevector <8 x i32> %480, <8 x i32> %480, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
	%482 = shufflevector <8 x i32> %480, <8 x i32> %480, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
	%483 = add <4 x i32> %481, %482
	%484 = shufflevector <4 x i32> %465, <4 x i32> %471, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%485 = shufflevector <4 x i32> %465, <4 x i32> %471, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%486 = add <4 x i32> %484, %485
	%487 = shufflevector <4 x i32> %477, <4 x i32> %483, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
	%488 = shufflevector <4 x i32> %477, <4 x i32> %483, <4 x i32> <i32 2, i32 6, i32 3, i32 7>
	%489 = add <4 x i32> %487, %488
	%490 = shufflevector <4 x i32> %486, <4 x i32> %489, <4 x i32> <i32 0, i32 1, i32 4, i32 5>
	%491 = shufflevector <4 x i32> %486, <4 x i32> %489, <4 x i32> <i32 2, i32 3, i32 6, i32 7>
	%492 = add <4 x i32> %490, %491
	%493 = add <4 x i32> %492, %14
	%494 = icmp sgt <4 x i32> %20, <i32 0, i32 0, i32 0, i32 0>
	%495 = select <4 x i1> %494, <4 x i32> %20, <4 x i32> <i32 0, i32 0, i32 0, i32 0>
	%496 = sub <4 x i32> <i32 0, i32 0, i32 0, i32 0>, %20
	%497 = select <4 x i1> %494, <4 x i32> <i32 0, i32 0, i32 0, i32 0>, <4 x i32> %496
	%498 = shl <4 x i32> %493, %495
	%499 = icmp eq <4 x i32> %498, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%500 = icmp eq <4 x i32> %17, <i32 -2147483648, i32 -2147483648, i32 -2147483648, i32 -2147483648>
	%501 = and <4 x i1> %499, %500
	%502 = sext <4 x i32> %498 to <4 x i64>
	%503 = sext <4 x i32> %17 to <4 x i64>
	%504 = mul <4 x i64> %502, %503
	%505 = icmp sge <4 x i64> %504, <i64 0, i64 0, i64 0, i64 0>
	%506 = select <4 x i1> %505, <4 x i64> <i64 u0x40000000, i64 u0x40000000, i64 u0x40000000, i64 u0x40000000>, <4 x i64> <i64 -1073741823, i64 -1073741823, i64 -1073741823, i64 -1073741823>
	%507 = add <4 x i64> %504, %506
	%508 = sdiv <4 x i64> %507, <i64 u0x80000000, i64 u0x80000000, i64 u0x80000000, i64 u0x80000000>
	%509 = trunc <4 x i64> %508 to <4 x i32>
	%510 = select <4 x i1> %501, <4 x i32> <i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF, i32 u0x7FFFFFFF>, <4 x i32> %509
	%511 = shl <4 x i32> <i32 1, i32 1, i32 1, i32 1>, %497
	%512 = sub <4 x i32> %511, <i32 1, i32 1, i32 1, i32 1>
	%513 = and <4 x i32> %510, %512
	%514 = ashr <4 x i32> %512, <i32 1, i32 1, i32 1, i32 1>
	%515 = icmp slt <4 x i32> %510, <i32 0, i32 0, i32 0, i32 0>
	%516 = zext <4 x i1> %515 to <4 x i32>
	%517 = add <4 x i32> %514, %516
	%518 = icmp sgt <4 x i32> %513, %517
	%519 = zext <4 x i1> %518 to <4 x i32>
	%520 = ashr <4 x i32> %510, %497
	%521 = add <4 x i32> %520, %519
	%522 = add <4 x i32> %521, %22
	%523 = icmp slt <4 x i32> %522, %24
	%524 = icmp sgt <4 x i32> %522, %26
	%525 = select <4 x i1> %524, <4 x i32> %26, <4 x i32> %522
	%526 = select <4 x i1> %523, <4 x i32> %24, <4 x i32> %525
	%527 = trunc <4 x i32> %526 to <4 x i8>
	%528 = mul i64 %365, %ors
	%529 = add i64 %11, 0
	%530 = mul i64 %529, %ous
	%531 = add i64 %528, %530
	%532 = extractelement <4 x i8> %527, i32 0
	%533 = getelementptr i8, i8* %out, i64 %531
	store i8 %532, i8* %533
	%534 = mul i64 %365, %ors
	%535 = add i64 %11, 1
	%536 = mul i64 %535, %ous
	%537 = add i64 %534, %536
	%538 = extractelement <4 x i8> %527, i32 1
	%539 = getelementptr i8, i8* %out, i64 %537
	store i8 %538, i8* %539
	%540 = mul i64 %365, %ors
	%541 = add i64 %11, 2
	%542 = mul i64 %541, %ous
	%543 = add i64 %540, %542
	%544 = extractelement <4 x i8> %527, i32 2
	%545 = getelementptr i8, i8* %out, i64 %543
	store i8 %544, i8* %545
	%546 = mul i64 %365, %ors
	%547 = add i64 %11, 3
	%548 = mul i64 %547, %ous
	%549 = add i64 %546, %548
	%550 = extractelement <4 x i8> %527, i32 3
	%551 = getelementptr i8, i8* %out, i64 %549
	store i8 %550, i8* %551
	%552 = add i64 %row.i, 1
	br label %row

unit:
	%unit.i = phi i64 [ 0, %block.end ], [ %561, %row1.end ]
	%553 = icmp slt i64 %unit.i, %29
	br i1 %553, label %unit.body, label %unit.end

unit.body:
	%554 = add i64 %28, %unit.i
	br label %row1

unit.end:
	ret void

row1:
	%row1.i = phi i64 [ 0, %unit.body ], [ %612, %dot.tail.end ]
	%555 = icmp slt i64 %row1.i, %rows
	br i1 %555, label %row1.body, label %row1.end

row1.body:
	%556 = mul i64 %row1.i, %in
	%557 = getelementptr i8, i8* %x, i64 %556
	%558 = add i64 %554, 0
	%559 = mul i64 %558, %6
	%560 = getelementptr i8, i8* %w, i64 %559
	br label %dot.vec

row1.end:
	%561 = add i64 %unit.i, 1
	br label %unit

dot.vec:
	%dot.vec.i = phi i64 [ 0, %row1.body ], [ %576, %dot.vec.body ]
	%562 = phi <16 x i32> [ zeroinitializer, %row1.body ], [ %575, %dot.vec.body ]
	%563 = icmp slt i64 %dot.vec.i, %0
	br i1 %563, label %dot.vec.body, label %dot.vec.end

dot.vec.body:
	%564 = mul i64 %dot.vec.i, 16
	%565 = getelementptr i8, i8* %557, i64 %564
	%566 = bitcast i8* %565 to <16 x i8>*
	%567 = load <16 x i8>, <16 x i8>* %566, align 1
	%568 = sext <16 x i8> %567 to <16 x i16>
	%569 = getelementptr i8, i8* %560, i64 %564
	%570 = bitcast i8* %569 to <16 x i8>*
	%571 = load <16 x i8>, <16 x i8>* %570, align 1
	%572 = sext <16 x i8> %571 to <16 x i16>
	%573 = mul <16 x i16> %568, %572
	%574 = sext <16 x i16> %573 to <16 x i32>
	%575 = add <16 x i32> %562, %574
	%576 = add i64 %dot.vec.i, 1
	br label %dot.vec

dot.vec.end:
	%577 = icmp sgt i64 %2, 0
	%578 = zext i1 %577 to i64
	br label %dot.tail

dot.tail:
	%dot.tail.i = phi i64 [ 0, %dot.vec.end ], [ %592, %dot.tail.body ]
	%579 = phi <16 x i32> [ %562, %dot.vec.end ], [ %591, %dot.tail.body ]
	%580 = icmp slt i64 %dot.tail.i, %578
	br i1 %580, label %dot.tail.body, label %dot.tail.end

dot.tail.body:
	%581 = bitcast <16 x i8>* %7 to i8*
	store <16 x i8> zeroinitializer, <16 x i8>* %7
	%582 = getelementptr i8, i8* %557, i64 %1
	call void @llvm.memcpy.p0i8.p0i8.i64(i8* %581, i8* %582, i64 %2, i1 false)
	%583 = load <16 x i8>, <16 x i8>* %7, align 64
	%584 = sext <16 x i8> %583 to <16 x i16>
	%585 = getelementptr i8, i8* %560, i64 %1
	%586 = bitcast i8* %585 to <16 x i8>*
	%587 = load <16 x i8>, <16 x i8>* %586, align 1
	%588 = sext <16 x i8> %587 to <16 x i16>
	%589 = mul <16 x i16> %584, %588
	%590 = sext <16 x i16> %589 to <16 x i32>
	%591 = add <16 x i32> %579, %590
	%592 = add i64 %dot.tail.i, 1
	br label %dot.tail

dot.tail.end:
	%593 = call i32 @llvm.vector.reduce.add.v16i32(<16 x i32> %579)
	%594 = getelementptr i32, i32* %bias, i64 %554
	%595 = load i32, i32* %594
	%596 = add i32 %593, %595
	%597 = getelementptr i32, i32* %mult, i64 %554
	%598 = load i32, i32* %597
	%599 = getelementptr i32, i32* %shift, i64 %554
	%600 = load i32, i32* %599
	%601 = call i32 @kiln_requant(i32 %596, i32 %598, i32 %600)
	%602 = add i32 %601, %out_off
	%603 = mul i64 %row1.i, %ors
	%604 = mul i64 %554, %ous
	%605 = add i64 %603, %604
	%606 = icmp sgt i32 %602, %lo
	%607 = select i1 %606, i32 %602, i32 %lo
	%608 = icmp slt i32 %607, %hi
	%609 = select i1 %608, i32 %607, i32 %hi
	%610 = trunc i32 %609 to i8
	%611 = getelementptr i8, i8* %out, i64 %605
	store i8 %610, i8* %611
	%612 = add i64 %row1.i, 1
	br label %row1
}

define internal void @kiln_quantize(float* %in, i8* %out, i64 %count, float %scale, i32 %zero) nounwind {
entry:
	br label %elems

elems:
	%elems.i = phi i64 [ 0, %entry ], [ %23, %elems.body ]
	%0 = icmp slt i64 %elems.i, %count
	br i1 %0, label %elems.body, label %elems.end

elems.body:
	%1 = getelementptr float, float* %in, i64 %elems.i
	%2 = load float, float* %1
	%3 = fdiv float %2, %scale
	%4 = fpext float %3 to double
	%5 = fcmp uno float %3, %3
	%6 = select i1 %5, double 0.0, double %4
	%7 = fcmp olt double %6, -2.147483648e+09
	%8 = select i1 %7, double -2.147483648e+09, double %6
	%9 = fcmp ogt double %8, 2.147483647e+09
	%10 = select i1 %9, double 2.147483647e+09, double %8
	%11 = fcmp olt double %10, 0.0
	%12 = select i1 %11, double -0.5, double 0.5
	%13 = fadd double %10, %12
	%14 = fptosi double %13 to i64
	%15 = sext i32 %zero to i64
	%16 = add i64 %14, %15
	%17 = icmp slt i64 %16, -128
	%18 = select i1 %17, i64 -128, i64 %16
	%19 = icmp sgt i64 %18, 127
	%20 = select i1 %19, i64 127, i64 %18
	%21 = trunc i64 %20 to i8
	%22 = getelementptr i8, i8* %out, i64 %elems.i
	store i8 %21, i8* %22
	%23 = add i64 %elems.i, 1
	br label %elems

elems.end:
	ret void
}

define internal void @kiln_dequantize(i8* %in, float* %out, i64 %count, float %scale, i32 %zero) nounwind {
entry:
	br label %elems

elems:
	%elems.i = phi i64 [ 0, %entry ], [ %10, %elems.body ]
	%0 = icmp slt i64 %elems.i, %count
	br i1 %0, label %elems.body, label %elems.end

elems.body:
	%1 = getelementptr i8, i8* %in, i64 %elems.i
	%2 = load i8, i8* %1
	%3 = sext i8 %2 to i32
	%4 = sub i32 %3, %zero
	%5 = sitofp i32 %4 to double
	%6 = fpext float %scale to double
	%7 = fmul double %6, %5
	%8 = fptrunc double %7 to float
	%9 = getelementptr float, float* %out, i64 %elems.i
	store float %8, float* %9
	%10 = add i64 %elems.i, 1
	br label %elems

elems.end:
	ret void
}

define i32 @kiln_tiny_run(i32 %n, i8* %x, i8* %y, i8* %arena) nounwind {
entry:
	%0 = icmp slt i32 %n, 1
	br i1 %0, label %bad_batch, label %run

run:
	%n64 = sext i32 %n to i64
	%1 = mul i64 %n64, 6
	; x.q = quantize  tiny.kiln:3:9
	call void @llvm.memcpy.p0i8.p0i8.i64(i8* %arena, i8* %x, i64 %1, i1 false), !kiln.src !0
	%2 = mul i64 %n64, 64
	%3 = getelementptr i8, i8* %arena, i64 %2
	; h.q = qdense  tiny.kiln:4:13
	call void @kiln_qdense(i8* %arena, i8* getelementptr ([128 x i8], [128 x i8]* @h.weight.q.packed, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.bias, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.mult, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.shift, i64 0, i64 0), i8* %3, i64 %n64, i64 6, i64 8, i64 8, i64 1, i32 -128, i32 -128, i32 127), !kiln.src !1
	%4 = mul i64 %n64, 64
	%5 = getelementptr i8, i8* %arena, i64 %4
	; y.q = qdense  tiny.kiln:5:14
	call void @kiln_qdense(i8* %5, i8* getelementptr ([64 x i8], [64 x i8]* @y.weight.q.packed, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.bias, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.mult, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.shift, i64 0, i64 0), i8* %arena, i64 %n64, i64 8, i64 4, i64 4, i64 1, i32 -46, i32 -128, i32 127), !kiln.src !2
	%6 = mul i64 %n64, 4
	; y = dequantize  tiny.kiln:5:14
	call void @llvm.memcpy.p0i8.p0i8.i64(i8* %y, i8* %arena, i64 %6, i1 false), !kiln.src !3
	ret i32 0

bad_batch:
	ret i32 -1
}

define i32 @kiln_tiny_run_f32(i32 %n, float* %x, float* %y, i8* %arena) nounwind {
entry:
	%0 = icmp slt i32 %n, 1
	br i1 %0, label %bad_batch, label %run

run:
	%n64 = sext i32 %n to i64
	%1 = mul i64 %n64, 6
	; x.q = quantize  tiny.kiln:3:9
	call void @kiln_quantize(float* %x, i8* %arena, i64 %1, float 0x3F97F7A660000000, i32 3), !kiln.src !4
	%2 = mul i64 %n64, 64
	%3 = getelementptr i8, i8* %arena, i64 %2
	; h.q = qdense  tiny.kiln:4:13
	call void @kiln_qdense(i8* %arena, i8* getelementptr ([128 x i8], [128 x i8]* @h.weight.q.packed, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.bias, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.mult, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.shift, i64 0, i64 0), i8* %3, i64 %n64, i64 6, i64 8, i64 8, i64 1, i32 -128, i32 -128, i32 127), !kiln.src !5
	%4 = mul i64 %n64, 64
	%5 = getelementptr i8, i8* %arena, i64 %4
	; y.q = qdense  tiny.kiln:5:14
	call void @kiln_qdense(i8* %5, i8* getelementptr ([64 x i8], [64 x i8]* @y.weight.q.packed, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.bias, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.mult, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.shift, i64 0, i64 0), i8* %arena, i64 %n64, i64 8, i64 4, i64 4, i64 1, i32 -46, i32 -128, i32 127), !kiln.src !6
	%6 = mul i64 %n64, 4
	; y = dequantize  tiny.kiln:5:14
	call void @kiln_dequantize(i8* %arena, float* %y, i64 %6, float 0x3F73951760000000, i32 -46), !kiln.src !7
	ret i32 0

bad_batch:
	ret i32 -1
}

define i64 @kiln_tiny_arena_size() nounwind {
entry:
	ret i64 128
}

!0 = !{!"x.q = quantize  tiny.kiln:3:9"}
!1 = !{!"h.q = qdense  tiny.kiln:4:13"}
!2 = !{!"y.q = qdense  tiny.kiln:5:14"}
!3 = !{!"y = dequantize  tiny.kiln:5:14"}
!4 = !{!"x.q = quantize  tiny.kiln:3:9"}
!5 = !{!"h.q = qdense  tiny.kiln:4:13"}
!6 = !{!"y.q = qdense  tiny.kiln:5:14"}
!7 = !{!"y = dequantize  tiny.kiln:5:14"}
